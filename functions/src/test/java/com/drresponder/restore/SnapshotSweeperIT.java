package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The scheduled snapshot sweeper (catalog function in the emulator's Lambda host, RDS in moto) against a mix
 * of snapshots: it deletes only the restore playbook's own whose {@code dr:expires} passed, and reports the
 * quota headroom that the stack's alarm watches.
 */
@AwsEmulatorTest
class SnapshotSweeperIT {
    static final String PLAYBOOK = "restore-database-to-point-in-time";

    @Test
    void sweep_should_deleteOnlyExpiredSnapshotsTheRestoreMade_and_reportQuotaHeadroom(AwsEmulator emulator) throws Exception {
        // GIVEN a cluster and an instance with snapshots: the playbook's own, expired and not; someone else's, expired by tag;
        // the playbook's without an expiry; untagged
        RdsClient rds = EmulatorClients.of(emulator, RdsClient.builder());
        rds.createDBCluster(r -> r.dbClusterIdentifier("orders-db").engine("aurora-postgresql").masterUsername("app").masterUserPassword("password-123"));
        rds.createDBInstance(r -> r.dbInstanceIdentifier("billing-db").engine("postgres").dbInstanceClass("db.t3.micro")
                .masterUsername("app").masterUserPassword("password-123").allocatedStorage(20));
        String past = Instant.now().minus(1, ChronoUnit.DAYS).toString();
        String future = Instant.now().plus(29, ChronoUnit.DAYS).toString();
        clusterSnapshot(rds, "orders-db-pre-restore-old", tag("dr:playbook", PLAYBOOK), tag("dr:expires", past));
        clusterSnapshot(rds, "orders-db-pre-restore-new", tag("dr:playbook", PLAYBOOK), tag("dr:expires", future));
        clusterSnapshot(rds, "orders-db-team-backup", tag("dr:playbook", "someone-else"), tag("dr:expires", past));
        clusterSnapshot(rds, "orders-db-final-no-expiry", tag("dr:playbook", PLAYBOOK));
        rds.createDBSnapshot(r -> r.dbInstanceIdentifier("billing-db").dbSnapshotIdentifier("billing-db-final-old")
                .tags(tag("dr:playbook", PLAYBOOK), tag("dr:expires", past)));
        rds.createDBSnapshot(r -> r.dbInstanceIdentifier("billing-db").dbSnapshotIdentifier("billing-db-untagged"));
        LocalResponder responder = LocalResponder.create(emulator).function("SweepSnapshots");
        // WHEN the daily rule's event arrives (quota 5 of each kind)
        InvokeResponse response = responder.invoke("SweepSnapshots", Json.object().put("snapshotQuota", 5).toString());
        // THEN only the expired snapshots the restore made are gone
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        JsonNode result = LocalResponder.json(response.payload().asUtf8String());
        assertThat(result.get("deleted")).extracting(JsonNode::asText).containsExactlyInAnyOrder("orders-db-pre-restore-old", "billing-db-final-old");
        assertThat(rds.describeDBClusterSnapshots(r -> r.snapshotType("manual")).dbClusterSnapshots()).extracting(s -> s.dbClusterSnapshotIdentifier())
                .containsExactlyInAnyOrder("orders-db-pre-restore-new", "orders-db-team-backup", "orders-db-final-no-expiry");
        assertThat(rds.describeDBSnapshots(r -> r.snapshotType("manual")).dbSnapshots()).extracting(s -> s.dbSnapshotIdentifier())
                .containsExactly("billing-db-untagged");
        // AND the headroom is the smaller kind's (5 - 3 cluster snapshots left), as a metric for the alarm
        assertThat(result.get("headroom").asInt()).isEqualTo(2);
        assertThat(Files.readString(emulator.lambdaHost().logFile("sweep-snapshots"))).contains("\"ManualSnapshotHeadroom\":2");
    }

    static void clusterSnapshot(RdsClient rds, String id, Tag... tags) {
        rds.createDBClusterSnapshot(r -> r.dbClusterIdentifier("orders-db").dbClusterSnapshotIdentifier(id).tags(new ArrayList<>(List.of(tags))));
    }

    static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }
}
