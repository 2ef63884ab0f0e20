package io.ledgerline.log;

/** A record's offset and timestamp, as ListOffsets returns them. */
public record OffsetAndTimestamp(long offset, long timestamp) {}
