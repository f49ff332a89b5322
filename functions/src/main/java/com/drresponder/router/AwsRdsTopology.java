package com.drresponder.router;

import com.drresponder.database.RdsLookup;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/** {@link RdsTopology} through DescribeDBInstances and DescribeDBClusters. */
public final class AwsRdsTopology implements RdsTopology {
    private final Supplier<RdsClient> rds;

    public AwsRdsTopology(Supplier<RdsClient> rds) {
        this.rds = rds;
    }

    @Override
    public Optional<String> clusterOf(String instanceId) {
        return RdsLookup.instance(rds.get(), instanceId).map(i -> i.dbClusterIdentifier()).filter(c -> c != null && !c.isBlank());
    }

    @Override
    public Optional<String> healthyReplicaOf(String id, boolean cluster) {
        RdsClient client = rds.get();
        Stream<String> candidates = cluster
                ? RdsLookup.cluster(client, id).stream().flatMap(c -> c.dbClusterMembers().stream())
                        .filter(m -> !Boolean.TRUE.equals(m.isClusterWriter())).map(m -> m.dbInstanceIdentifier())
                // a cross-region replica is listed by ARN: the failover promotes in-region replicas only
                : RdsLookup.instance(client, id).stream().flatMap(i -> i.readReplicaDBInstanceIdentifiers().stream())
                        .filter(r -> !r.startsWith("arn:"));
        return candidates.sorted().filter(r -> RdsLookup.instance(client, r).map(DBInstance::dbInstanceStatus).filter("available"::equals).isPresent())
                .findFirst();
    }
}
