package io.ledgerline.coordinator;

/**
 * The state of a coordinator, changed only by {@link #replay}: at start for every record of its
 * {@link InternalLog}, at run time for each record once it is durable, in log order, both through the same method.
 * So the state a reader sees is always the replay of a durable prefix of the log, and a restart rebuilds exactly
 * it. Operations never change it: they read it and return the records that will (a {@link Result}).
 *
 * <p>Replay must be deterministic: no clock, no random numbers, no reads of anything but the state and the
 * record (times and ids are decided by the operation and written into the record).
 *
 * <p>Threads: {@link CoordinatorRuntime} calls {@link #replay} under its apply lock, one record at a time.
 *
 * @param <R> the record type
 */
public interface StateMachine<R> {
    void replay(R record);
}
