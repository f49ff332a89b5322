package com.drresponder.router;

import java.util.Optional;

/** Which Aurora cluster an instance belongs to (Aurora recovers per cluster, never per instance), and what could replace a database. */
public interface RdsTopology {
    Optional<String> clusterOf(String instanceId);

    /**
     * A replica that could take over from {@code id}: an RDS instance's in-region read replica, or an Aurora cluster's
     * reader, that RDS reports {@code available}. A hint for the proposal only: the failover's planner decides (lag,
     * opt-in) and refuses otherwise. A topology that cannot see replicas proposes restores only.
     */
    default Optional<String> healthyReplicaOf(String id, boolean cluster) {
        return Optional.empty();
    }
}
