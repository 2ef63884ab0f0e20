package io.ledgerline.broker.group;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A classic group's live state: members, generation, rebalance timers; and beside it what the log holds of it,
 * changed only by {@link GroupStateMachine#replay}: its committed offsets, its last stored generation, whether it is
 * in the log at all. Mutable; touched only under the {@link GroupCoordinator}'s monitor.
 *
 * <p>Invariants: {@code leaderId} is a member or null; in Stable and CompletingRebalance every member joined
 * generation {@code generation}; {@code protocol} is supported by every member, or null when Empty.
 */
final class ClassicGroup {
    final String groupId;
    GroupState state = GroupState.EMPTY;
    /** When the group entered its current state (offsets of an Empty group expire counting from here). */
    long stateTimestampMs;
    int generation;
    String protocolType;
    String protocol;
    String leaderId;
    final LinkedHashMap<String, GroupMember> members = new LinkedHashMap<>();
    /** Static members: group.instance.id to member id. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED, not joined yet, with the deadline to join by. */
    final Map<String, Long> pendingMembers = new HashMap<>();
    /** Members of this generation that still owe a SyncGroup (removed at the sync deadline). */
    final Set<String> pendingSync = new HashSet<>();
    /** PreparingRebalance: the join completes at this deadline even if members are missing. */
    long joinDeadlineMs;
    /** PreparingRebalance from Empty: the join does not complete before this (group.initial.rebalance.delay.ms). */
    long initialDelayUntilMs;
    /** CompletingRebalance: members that have not sent SyncGroup by then are removed. */
    long syncDeadlineMs;
    /** Committed offsets, only as applied from durable records (see GroupCoordinator): topic to partition to offset. */
    final Map<String, Map<Integer, CommittedOffset>> offsets = new HashMap<>();
    /** The last stored generation applied from the log (null: none yet); only {@link GroupStateMachine#replay} sets it. */
    GroupRecord.Group stored;
    /**
     * Whether a durable record created this group (a committed offset or a stored generation), so a replay of the log
     * has it too; false for a group that so far exists only in memory (created by a JoinGroup). Set only by replay.
     */
    boolean logged;

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    void transition(GroupState next, long nowMs) {
        state = next;
        stateTimestampMs = nowMs;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    boolean allMembersJoined() {
        if (!pendingMembers.isEmpty()) return false;
        for (GroupMember m : members.values()) if (m.awaitingJoin == null) return false;
        return true;
    }

    int rebalanceTimeoutMs() {
        int t = 0;
        for (GroupMember m : members.values()) t = Math.max(t, m.rebalanceTimeoutMs);
        return t;
    }

    /** The protocols every member supports. */
    Set<String> candidateProtocols() {
        Set<String> c = null;
        for (GroupMember m : members.values()) {
            if (c == null) c = new HashSet<>(m.protocols.keySet());
            else c.retainAll(m.protocols.keySet());
        }
        return c == null ? Set.of() : c;
    }

    /** Whether a joining member with {@code type} and {@code protocols} can be in this group. */
    boolean supports(String type, Set<String> protocols) {
        if (members.isEmpty()) return type != null && !type.isEmpty() && !protocols.isEmpty();
        if (!type.equals(protocolType)) return false;
        Set<String> c = candidateProtocols();
        for (String p : protocols) if (c.contains(p)) return true;
        return false;
    }

    /** Kafka's protocol selection: each member votes for its first supported candidate; most votes wins. */
    String selectProtocol() {
        Set<String> candidates = candidateProtocols();
        Map<String, Integer> votes = new HashMap<>();
        for (GroupMember m : members.values()) votes.merge(m.vote(candidates), 1, Integer::sum);
        String best = null;
        for (GroupMember m : members.values()) { // ties: the earliest member's vote, so the choice is deterministic
            String v = m.vote(candidates);
            if (best == null || votes.get(v) > votes.get(best)) best = v;
        }
        return best;
    }

    /** Topics the members subscribe to (consumer protocol only; null when unknown). */
    Set<String> subscribedTopics() {
        if (!"consumer".equals(protocolType) || protocol == null) return null;
        Set<String> topics = new HashSet<>();
        for (GroupMember m : members.values()) {
            try {
                topics.addAll(org.apache.kafka.clients.consumer.internals.ConsumerProtocol
                        .deserializeSubscription(java.nio.ByteBuffer.wrap(m.metadata(protocol))).topics());
            } catch (RuntimeException e) {
                return null; // not a subscription we can read: treat every topic as possibly subscribed
            }
        }
        return topics;
    }
}
