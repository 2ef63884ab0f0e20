package io.ledgerline.broker.admin;

import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

import java.util.List;

/**
 * One config as DescribeConfigs shows it. {@code source} is the first synonym's source (Kafka's rule: the
 * synonyms run from the most specific source to the default). Nothing Ledgerline has is sensitive.
 */
public record DescribedConfig(String name, String value, ConfigSource source, boolean readOnly, List<Synonym> synonyms,
                              ConfigType type, String documentation) {

    /** A value the config could take from one source (Kafka's DescribeConfigsSynonym). */
    public record Synonym(String name, String value, ConfigSource source) {}
}
