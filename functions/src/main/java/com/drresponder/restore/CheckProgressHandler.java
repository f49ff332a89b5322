package com.drresponder.restore;

import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;

/**
 * The restore playbook's poll step (one call per Wait loop turn): is a snapshot, or a cluster with all its
 * instances, or an instance, {@code available} yet? Input {@code {"check": "snapshot"|"database", "kind":
 * "cluster"|"instance", "id"}}; output {@code {"ready", "status", "endpoint", "port"}}. A resource still
 * being created or renamed is "not ready", never an error; a terminal failure state is an error.
 */
public final class CheckProgressHandler extends JsonStepHandler {
    private static final Set<String> TERMINAL = Set.of("failed", "error", "incompatible-restore", "incompatible-parameters",
            "incompatible-network", "inaccessible-encryption-credentials", "storage-full");
    private final RdsClient rds;
    private final java.time.Clock clock;

    public CheckProgressHandler() {
        this(AwsClients.create(RdsClient.builder()), java.time.Clock.systemUTC());
    }

    public CheckProgressHandler(RdsClient rds, java.time.Clock clock) {
        this.rds = rds;
        this.clock = clock;
    }

    @Override
    Object handle(JsonNode event) {
        String check = required(event, "check");
        String kind = required(event, "kind");
        String id = required(event, "id");
        ObjectNode result = switch (check) {
            case "snapshot" -> SourceDatabase.CLUSTER.equals(kind) ? clusterSnapshot(id) : instanceSnapshot(id);
            case "database" -> SourceDatabase.CLUSTER.equals(kind) ? cluster(id, true) : instance(id);
            // a rename does not touch a cluster's instances: only the cluster under its new name matters
            case "renamed" -> SourceDatabase.CLUSTER.equals(kind) ? cluster(id, false) : instance(id);
            default -> throw new IllegalArgumentException("check must be snapshot, database or renamed, got " + check);
        };
        // the deadline is judged here, not in a Choice on $$.State.EnteredTime: one clock, testable
        String deadline = Json.text(event, "deadline");
        result.put("pastDeadline", deadline != null && clock.instant().isAfter(java.time.Instant.parse(deadline)));
        String status = result.path("status").asText();
        if (TERMINAL.contains(status)) {
            throw new RestoreStepFailedException(kind + " " + check + " " + id + " is " + status + ": RDS will not finish it");
        }
        return result.put("id", id);
    }

    private ObjectNode clusterSnapshot(String id) {
        try {
            var snapshots = rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier(id)).dbClusterSnapshots();
            return snapshots.isEmpty() ? notFound() : status(snapshots.get(0).status());
        } catch (DbClusterSnapshotNotFoundException e) {
            return notFound();
        }
    }

    private ObjectNode instanceSnapshot(String id) {
        try {
            var snapshots = rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier(id)).dbSnapshots();
            return snapshots.isEmpty() ? notFound() : status(snapshots.get(0).status());
        } catch (DbSnapshotNotFoundException e) {
            return notFound();
        }
    }

    private ObjectNode cluster(String id, boolean withInstances) {
        DBCluster cluster;
        try {
            List<DBCluster> found = rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters();
            if (found.isEmpty()) {
                return notFound();
            }
            cluster = found.get(0);
        } catch (DbClusterNotFoundException e) {
            return notFound(); // a rename in progress: the new name appears when RDS is done
        }
        // the member list, not a db-cluster-id filter: it is what RDS reports for the cluster under its
        // current name (moto does not move members' cluster id on a rename)
        List<DBInstance> instances = cluster.dbClusterMembers().stream()
                .flatMap(m -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(m.dbInstanceIdentifier())).dbInstances().stream())
                .toList();
        boolean instancesReady = !instances.isEmpty() && instances.stream().allMatch(i -> "available".equals(i.dbInstanceStatus()));
        ObjectNode result = status(cluster.status());
        result.put("ready", "available".equals(cluster.status()) && (instancesReady || !withInstances));
        result.put("endpoint", cluster.endpoint());
        result.put("port", cluster.port() == null ? 5432 : cluster.port());
        result.set("instances", Json.MAPPER.valueToTree(instances.stream().map(i -> i.dbInstanceIdentifier() + ":" + i.dbInstanceStatus()).toList()));
        instances.stream().map(DBInstance::dbInstanceStatus).filter(TERMINAL::contains).findFirst()
                .ifPresent(s -> result.put("status", s));
        return result;
    }

    private ObjectNode instance(String id) {
        DBInstance instance;
        try {
            List<DBInstance> found = rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances();
            if (found.isEmpty()) {
                return notFound();
            }
            instance = found.get(0);
        } catch (DbInstanceNotFoundException e) {
            return notFound();
        }
        ObjectNode result = status(instance.dbInstanceStatus());
        if (instance.endpoint() != null) {
            result.put("endpoint", instance.endpoint().address());
            result.put("port", instance.endpoint().port() == null ? 5432 : instance.endpoint().port());
        }
        return result;
    }

    private static ObjectNode status(String status) {
        return Json.object().put("ready", "available".equals(status)).put("status", status);
    }

    private static ObjectNode notFound() {
        return Json.object().put("ready", false).put("status", "not-found");
    }
}
