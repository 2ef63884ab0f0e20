package io.ledgerline.broker.group;

/** A committed position of a group in one partition: the next offset to read, with the client's metadata. */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {}
