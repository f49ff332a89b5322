package com.drresponder.restore;

import java.time.Instant;

/**
 * A snapshot a restore may start from instead of a point in time (when PITR is not possible: backups off, the window
 * gone, the source's log stream broken). {@code databaseId}: the cluster or instance it was taken of, which must be
 * the protected source itself.
 */
public record SourceSnapshot(String id, String databaseId, String status, Instant createdAt, String type) {}
