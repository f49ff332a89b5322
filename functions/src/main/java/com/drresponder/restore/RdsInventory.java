package com.drresponder.restore;

import java.util.Optional;

/** Reads RDS: the source to restore from and whether a target name is taken. */
public interface RdsInventory {
    Optional<SourceDatabase> cluster(String id);

    Optional<SourceDatabase> instance(String id);

    /** Whether a cluster (kind {@code cluster}) or instance with this identifier exists. */
    boolean exists(String kind, String id);

    /**
     * A snapshot of {@code sourceId} to restore from: {@code requested} is {@link com.drresponder.playbook.RestoreRequest#LATEST_AUTOMATED}
     * (the newest available automated snapshot of the source) or a snapshot identifier (of any database: the caller
     * checks whose it is). Empty when there is none.
     */
    Optional<SourceSnapshot> snapshot(String kind, String sourceId, String requested);
}
