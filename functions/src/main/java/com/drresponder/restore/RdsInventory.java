package com.drresponder.restore;

import java.util.Optional;

/** Reads RDS: the source to restore from and whether a target name is taken. */
public interface RdsInventory {
    Optional<SourceDatabase> cluster(String id);

    Optional<SourceDatabase> instance(String id);

    /** Whether a cluster (kind {@code cluster}) or instance with this identifier exists. */
    boolean exists(String kind, String id);
}
