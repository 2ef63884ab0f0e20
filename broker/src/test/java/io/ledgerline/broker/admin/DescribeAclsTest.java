package io.ledgerline.broker.admin;

import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsResponse;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DescribeAcls without an authorizer is SECURITY_DISABLED with Kafka's message, at every version (before: not
 * advertised, so the AdminClient failed locally with UnsupportedVersionException, which MirrorMaker 2 logs as
 * an error at every ACL refresh).
 */
class DescribeAclsTest {
    @TempDir
    static Path dir;
    static TestBroker kafka;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        kafka = TestBroker.start(dir, Map.of());
        admin = kafka.admin();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void theAdminClientLearnsThatSecurityIsDisabled() {
        TestBroker.assertFails(admin.describeAcls(AclBindingFilter.ANY).values(), SecurityDisabledException.class,
                "No Authorizer is configured.");
    }

    @Test
    void everyVersionAnswersSecurityDisabled() throws Exception {
        try (RawClient raw = kafka.raw()) {
            for (short v = ApiKeys.DESCRIBE_ACLS.oldestVersion(); v <= ApiKeys.DESCRIBE_ACLS.latestVersion(false); v++) {
                // v0 knows only literal patterns: the one filter every version can carry
                AclBindingFilter topics = new AclBindingFilter(
                        new ResourcePatternFilter(ResourceType.TOPIC, null, PatternType.LITERAL), AccessControlEntryFilter.ANY);
                DescribeAclsResponse r = raw.call(new DescribeAclsRequest.Builder(topics).build(v));
                assertThat(r.error().error()).as("v%d", v).isEqualTo(Errors.SECURITY_DISABLED);
                assertThat(r.error().message()).as("v%d", v).isEqualTo("No Authorizer is configured.");
                assertThat(r.acls()).as("v%d", v).isEmpty();
            }
        }
    }
}
