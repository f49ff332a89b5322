package com.drresponder.failover;

import java.util.Optional;

/** Reads a primary, its replicas or readers, and their replication lag. */
public interface FailoverInventory {
    /** An RDS instance and its read replicas; empty when no instance has this identifier. */
    Optional<Topology> instance(String id);

    /** An Aurora cluster and its readers; empty when no cluster has this identifier. */
    Optional<Topology> cluster(String id);
}
