package com.drresponder.router;

import com.drresponder.database.RdsLookup;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.rds.RdsClient;

/** {@link RdsTopology} through DescribeDBInstances. */
public final class AwsRdsTopology implements RdsTopology {
    private final Supplier<RdsClient> rds;

    public AwsRdsTopology(Supplier<RdsClient> rds) {
        this.rds = rds;
    }

    @Override
    public Optional<String> clusterOf(String instanceId) {
        return RdsLookup.instance(rds.get(), instanceId).map(i -> i.dbClusterIdentifier()).filter(c -> c != null && !c.isBlank());
    }
}
