package io.ledgerline.it;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/operations.md shows the mm2.properties that MirrorMakerMigrationTest runs (profile "mirror"), word for
 * word: this cheap check runs in every build, so that the documented file cannot drift from the tested one.
 */
class MirrorMakerConfigDocTest {
    @Test
    void operationsDocQuotesTheTestedMirrorMakerConfig() throws Exception {
        String tested;
        try (var in = Objects.requireNonNull(getClass().getResourceAsStream("/mirror/mm2.properties"))) {
            tested = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String doc = Files.readString(Path.of("..", "docs", "operations.md"));
        assertThat(doc).contains("```properties\n" + tested + "```\n");
    }
}
