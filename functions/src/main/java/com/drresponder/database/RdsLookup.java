package com.drresponder.database;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * One cluster, instance or snapshot by identifier (DescribeDBClusters, DescribeDBInstances, DescribeDBClusterSnapshots,
 * DescribeDBSnapshots): RDS answers "not found" with an error, this with empty.
 */
public final class RdsLookup {
    private RdsLookup() {
    }

    public static Optional<DBCluster> cluster(RdsClient rds, String id) {
        return first(DbClusterNotFoundException.class, () -> rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters());
    }

    public static Optional<DBInstance> instance(RdsClient rds, String id) {
        return first(DbInstanceNotFoundException.class, () -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances());
    }

    public static Optional<DBClusterSnapshot> clusterSnapshot(RdsClient rds, String id) {
        return first(DbClusterSnapshotNotFoundException.class,
                () -> rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier(id)).dbClusterSnapshots());
    }

    public static Optional<DBSnapshot> instanceSnapshot(RdsClient rds, String id) {
        return first(DbSnapshotNotFoundException.class, () -> rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier(id)).dbSnapshots());
    }

    /** The first of {@code describe}'s answer; empty when RDS answers {@code notFound}. */
    private static <T> Optional<T> first(Class<? extends RdsException> notFound, Supplier<List<T>> describe) {
        try {
            return describe.get().stream().findFirst();
        } catch (RdsException e) {
            if (notFound.isInstance(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Tags as a map, in RDS's order. */
    public static Map<String, String> tags(List<Tag> tags) {
        Map<String, String> map = new LinkedHashMap<>();
        tags.forEach(t -> map.put(t.key(), t.value()));
        return map;
    }
}
