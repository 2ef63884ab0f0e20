package io.ledgerline.broker.group;

import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a classic group. Mutable; touched only under the coordinator's monitor.
 * {@code protocols} maps each protocol name the member supports, in its order of preference, to its
 * subscription metadata.
 */
final class GroupMember {
    final String memberId;
    String instanceId;
    final String clientId;
    final String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    String protocolType;
    LinkedHashMap<String, byte[]> protocols;
    byte[] assignment = new byte[0];
    /** Pending JoinGroup answer while the group prepares a rebalance. */
    CompletableFuture<JoinGroupResponseData> awaitingJoin;
    /** Pending SyncGroup answer while the leader's assignment is awaited. */
    CompletableFuture<SyncGroupResponseData> awaitingSync;
    /** Session deadline: the member is removed when it passes without a heartbeat (or join/sync in flight). */
    long sessionDeadlineMs;

    GroupMember(String memberId, String instanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                int sessionTimeoutMs, String protocolType, LinkedHashMap<String, byte[]> protocols) {
        this.memberId = memberId;
        this.instanceId = instanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = protocols;
    }

    boolean isStatic() {
        return instanceId != null;
    }

    byte[] metadata(String protocol) {
        byte[] m = protocols.get(protocol);
        return m == null ? new byte[0] : m;
    }

    /** The member's vote: its most preferred protocol among {@code candidates}. */
    String vote(java.util.Set<String> candidates) {
        for (String p : protocols.keySet()) if (candidates.contains(p)) return p;
        throw new IllegalStateException("member " + memberId + " supports none of " + candidates);
    }

    static LinkedHashMap<String, byte[]> protocolsOf(Map<String, byte[]> m) {
        return new LinkedHashMap<>(m);
    }
}
