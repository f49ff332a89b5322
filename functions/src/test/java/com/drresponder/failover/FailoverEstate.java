package com.drresponder.failover;

import com.drresponder.testing.RestoreEstate;
import com.drresponder.testsupport.AwsEmulator;
import java.time.Instant;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The failover playbook's world in the emulator, shared by its ITs: the protected PostgreSQL instance orders-db and
 * its opted-in read replica, with replica lag as CloudWatch data points the test puts (RDS publishes them in AWS).
 */
final class FailoverEstate {
    static final String PRIMARY = "orders-db";
    static final String REPLICA = "orders-db-replica";

    private FailoverEstate() {}

    /** {@value #PRIMARY} and its replica {@value #REPLICA}, tagged {@code dr:protected=true}, {@code replicaLag} seconds behind. */
    static void primaryWithProtectedReplica(AwsEmulator emulator, RdsClient rds, CloudWatchClient cloudWatch, double replicaLag) {
        RestoreEstate.protectedInstance(emulator, rds, PRIMARY);
        rds.createDBInstanceReadReplica(r -> r.dbInstanceIdentifier(REPLICA).sourceDBInstanceIdentifier(PRIMARY)
                .tags(t -> t.key("dr:protected").value("true")));
        putLag(cloudWatch, "ReplicaLag", REPLICA, replicaLag);
    }

    /** A lag data point ({@code ReplicaLag} of an instance, {@code AuroraReplicaLag} of an Aurora reader) as RDS publishes it. */
    static void putLag(CloudWatchClient cloudWatch, String metric, String instance, double value) {
        cloudWatch.putMetricData(r -> r.namespace("AWS/RDS").metricData(d -> d.metricName(metric).value(value).timestamp(Instant.now())
                .dimensions(x -> x.name("DBInstanceIdentifier").value(instance))));
    }
}
