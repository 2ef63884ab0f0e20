package io.ledgerline.broker.protocol;

import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/** A coordinator's failed log write answered as Kafka 4.3.1's coordinators answer it. */
class CoordinatorWriteErrorsTest {
    @Test
    void mapsAsKafkasCoordinators() {
        assertThat(CoordinatorWriteErrors.of(new KafkaStorageException("fsync failed"))).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(CoordinatorWriteErrors.of(new CompletionException(new KafkaStorageException("fsync failed"))))
                .as("as a durability future delivers it").isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(CoordinatorWriteErrors.of(new NotEnoughReplicasException("x"))).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(CoordinatorWriteErrors.of(new TimeoutException("x"))).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(CoordinatorWriteErrors.of(new RecordTooLargeException("x"))).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
        assertThat(CoordinatorWriteErrors.of(new RejectedExecutionException("shutting down")))
                .as("not a Kafka error: retriable").isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
    }
}
