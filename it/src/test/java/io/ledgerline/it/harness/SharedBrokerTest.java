package io.ledgerline.it.harness;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of the test classes that run on the broker shared by the whole run ({@link SharedBroker}): {@link #broker}
 * and an {@link #admin} client on it, set before the class's first test and closed after its last. Test classes
 * run one after the other (JUnit's default, kept in this module), so the static fields serve one class at a time.
 */
@ExtendWith(SharedBroker.class)
public abstract class SharedBrokerTest {
    protected static BrokerTarget broker;
    protected static Admin admin;

    @BeforeAll
    static void connect(BrokerTarget sharedBroker) {
        broker = sharedBroker;
        admin = Clients.admin(broker);
    }

    @AfterAll
    static void disconnect() {
        admin.close();
        admin = null;
        broker = null;
    }
}
