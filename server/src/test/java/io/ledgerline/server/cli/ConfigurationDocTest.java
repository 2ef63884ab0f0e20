package io.ledgerline.server.cli;

import io.ledgerline.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md cannot rot: its "Broker settings" table has one row per
 * {@link BrokerConfig#settings()} key, showing that key's default, and no row for a key that is gone.
 * Row format: {@code | `key` | `default` | unit | meaning |}, an empty default written {@code (empty)}.
 */
class ConfigurationDocTest {
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|\\s*([^|]*?)\\s*\\|");

    private static List<String> brokerSettingsSection() throws IOException {
        // Surefire runs in the module directory (server/); basedir says so explicitly.
        Path doc = Path.of(System.getProperty("basedir", ".")).resolve("../docs/configuration.md").normalize();
        List<String> section = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("## ")) in = line.equals("## Broker settings");
            else if (in) section.add(line);
        }
        assertThat(section).as("a '## Broker settings' section in " + doc).isNotEmpty();
        return section;
    }

    @Test
    void everyBrokerSettingIsDocumentedWithItsDefault() throws IOException {
        List<String> section = brokerSettingsSection();
        for (BrokerConfig.Setting s : BrokerConfig.settings().values()) {
            String expectedDefault = s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`";
            assertThat(section.stream().map(ROW::matcher).filter(Matcher::find)
                    .filter(m -> m.group(1).equals(s.key())).map(m -> m.group(2)))
                    .as("row for '%s' in docs/configuration.md, with default %s", s.key(), expectedDefault)
                    .containsExactly(expectedDefault);
        }
    }

    @Test
    void noRowForAKeyThatIsNotASetting() throws IOException {
        for (String line : brokerSettingsSection()) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                assertThat(BrokerConfig.settings()).as("docs/configuration.md documents '%s'", m.group(1))
                        .containsKey(m.group(1));
            }
        }
    }
}
