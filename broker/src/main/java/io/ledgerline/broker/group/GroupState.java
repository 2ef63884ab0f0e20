package io.ledgerline.broker.group;

/**
 * The classic group protocol's states, as Kafka names them (ListGroups and DescribeGroups report these names).
 * <pre>
 *   Empty ──join──▶ PreparingRebalance ──all joined / timeout──▶ CompletingRebalance ──leader's sync──▶ Stable
 *     ▲                  ▲   │ no member left                         │ member gone/joins   │ member gone/joins
 *     └──────────────────┼───┘                                        ▼                     ▼
 *                        └───────────────────────────────── PreparingRebalance ◀────────────┘
 *   Empty ──DeleteGroups / all offsets expired──▶ Dead (removed)
 * </pre>
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    public final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    public static GroupState parse(String name) {
        for (GroupState s : values()) if (s.kafkaName.equalsIgnoreCase(name)) return s;
        return null;
    }
}
