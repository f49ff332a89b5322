package com.drresponder.router;

import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;

/** {@link RdsTopology} through DescribeDBInstances. */
public final class AwsRdsTopology implements RdsTopology {
    private final Supplier<RdsClient> rds;

    public AwsRdsTopology(Supplier<RdsClient> rds) {
        this.rds = rds;
    }

    @Override
    public Optional<String> clusterOf(String instanceId) {
        try {
            return rds.get().describeDBInstances(b -> b.dbInstanceIdentifier(instanceId)).dbInstances().stream()
                    .map(i -> i.dbClusterIdentifier()).filter(c -> c != null && !c.isBlank()).findFirst();
        } catch (DbInstanceNotFoundException e) {
            return Optional.empty();
        }
    }
}
