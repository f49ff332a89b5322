package com.drresponder.router;

import java.util.Optional;

/** Which Aurora cluster an instance belongs to: Aurora recovers per cluster, never per instance. */
public interface RdsTopology {
    Optional<String> clusterOf(String instanceId);
}
