package io.ledgerline.client;

import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessorSettingsTest {
    private static ProcessorSettings.Builder<String, String, String> valid() {
        return AsyncProcessor.builder(new StringDeserializer(), new StringDeserializer(), new StringSerializer())
                .bootstrapServers("127.0.0.1:1")
                .groupId("g")
                .inputTopics(List.of("in"))
                .outputTopic("out")
                .deadLetterTopic("dlq")
                .function(r -> CompletableFuture.completedFuture(r.value()));
    }

    @Test
    void theProcessorOwnsCommitsAndSerializers() {
        ProcessorSettings<String, String, String> s = valid().consumerConfig(Map.of("fetch.max.bytes", 1024)).settings();
        assertThat(s.consumerConfig()).containsEntry("enable.auto.commit", false).containsEntry("group.id", "g")
                .containsEntry("fetch.max.bytes", 1024);
        assertThat(s.producerConfig()).containsEntry("acks", "all").containsEntry("bootstrap.servers", "127.0.0.1:1");
        assertThat(s.maxBufferedRecords()).isEqualTo(1024);
        assertThat(s.consumerConfig()).doesNotContainKey("isolation.level");
        assertThat(s.producerConfig()).doesNotContainKey("transactional.id");
    }

    @Test
    void exactlyOnceMakesTheProducerTransactionalAndTheConsumerReadCommitted() {
        ProcessorSettings<String, String, String> s = valid().exactlyOnce("enricher-0").settings();
        assertThat(s.producerConfig()).containsEntry("transactional.id", "enricher-0");
        assertThat(s.consumerConfig()).containsEntry("isolation.level", "read_committed");
    }

    @Test
    void eachBadSettingIsNamedWithTheFix() {
        assertThatThrownBy(() -> valid().deadLetterTopic(null).settings())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadLetterTopic").hasMessageContaining("fallback");
        assertThatThrownBy(() -> valid().outputTopic("in").settings()).hasMessageContaining("also an input topic");
        assertThatThrownBy(() -> valid().maxInFlight(0).settings()).hasMessageContaining("maxInFlight");
        assertThatThrownBy(() -> valid().maxInFlight(10).maxBufferedRecords(5).settings()).hasMessageContaining("maxBufferedRecords");
        assertThatThrownBy(() -> valid().callTimeout(Duration.ZERO).settings()).hasMessageContaining("callTimeout");
        assertThatThrownBy(() -> valid().consumerConfig(Map.of("enable.auto.commit", "true")).settings())
                .hasMessageContaining("enable.auto.commit must stay false");
        assertThatThrownBy(() -> valid().consumerConfig(Map.of("max.poll.interval.ms", 5000)).settings())
                .hasMessageContaining("revocationTimeout");
        assertThatThrownBy(() -> valid().commitMetadataBytesMax(5).settings()).hasMessageContaining("commitMetadataBytesMax");
        assertThatThrownBy(() -> valid().groupId(" ").settings()).hasMessageContaining("groupId");
        assertThatThrownBy(() -> valid().exactlyOnce(" ").settings()).hasMessageContaining("transactional.id");
        assertThatThrownBy(() -> valid().exactlyOnce("t").producerConfig(Map.of("transactional.id", "u")).settings())
                .hasMessageContaining("exactlyOnce(...)");
    }
}
