package io.ledgerline.broker;

import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.testkit.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/compatibility.md cannot rot: its API table has exactly one row per API key in the dispatch table, with
 * the advertised version range, and no row for an API the broker does not answer.
 */
class CompatibilityDocTest {
    private static final Pattern ROW = Pattern.compile("^\\| ([A-Za-z]+) \\| (\\d+) \\| (\\d+)–(\\d+) \\|", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void apiTableInTheDocMatchesWhatTheBrokerAdvertises() throws Exception {
        Path doc = Path.of(System.getProperty("basedir", ".")).resolve("../docs/compatibility.md").normalize();
        String text = Files.readString(doc);
        Set<String> documented = new TreeSet<>();
        Matcher m = ROW.matcher(text);
        try (Broker broker = TestBroker.start(dir).broker()) {
            Map<org.apache.kafka.common.protocol.ApiKeys, ApiTable.Entry> entries = broker.apiTable().entries();
            while (m.find()) {
                documented.add(m.group(1));
                ApiTable.Entry e = entries.values().stream().filter(x -> x.key().name.equals(m.group(1))).findFirst().orElse(null);
                assertThat(e).as("docs/compatibility.md lists %s, which the broker does not answer", m.group(1)).isNotNull();
                assertThat(m.group(2)).as("api key id of %s", m.group(1)).isEqualTo(Short.toString(e.key().id));
                assertThat(m.group(3) + "–" + m.group(4)).as("advertised versions of %s", m.group(1))
                        .isEqualTo(e.minVersion() + "–" + e.maxVersion());
            }
            for (ApiTable.Entry e : entries.values()) {
                assertThat(documented).as("docs/compatibility.md has a row for %s (%d–%d)", e.key().name, e.minVersion(), e.maxVersion())
                        .contains(e.key().name);
            }
        }
    }
}
