package com.drresponder.restore;

import com.drresponder.database.RdsLookup;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The only delete in the restore playbook: removes a drill's temporary copy, and refuses anything not
 * tagged {@code dr:drill=true} (the IAM policy says the same). Called in a loop: each call deletes what
 * can be deleted now (a cluster's instances first, then the cluster, without final snapshot) and says
 * whether the copy is gone. Input {@code {"kind", "id"}}; output {@code {"done", "remaining"}}.
 */
public final class DeleteDrillCopyHandler extends JsonStepHandler {
    private final RdsClient rds;

    public DeleteDrillCopyHandler() {
        this(AwsClients.create(RdsClient.builder()));
    }

    public DeleteDrillCopyHandler(RdsClient rds) {
        this.rds = rds;
    }

    @Override
    protected Object handle(JsonNode event) {
        String kind = required(event, "kind");
        String id = required(event, "id");
        // nothing under the name: the copy is gone
        ObjectNode result = (SourceDatabase.CLUSTER.equals(kind) ? RdsLookup.cluster(rds, id).map(this::deleteCluster)
                : RdsLookup.instance(rds, id).map(this::deleteInstance)).orElseGet(() -> done(List.of()));
        return result.put("pastDeadline", PhaseDeadline.passed(PhaseDeadline.from(event), java.time.Instant.now()));
    }

    private ObjectNode deleteCluster(DBCluster cluster) {
        String id = cluster.dbClusterIdentifier();
        requireDrillTag("cluster", id, cluster.tagList());
        List<DBInstance> instances = rds.describeDBInstances(r -> r.filters(Filter.builder().name("db-cluster-id").values(id).build())).dbInstances();
        for (DBInstance instance : instances) {
            requireDrillTag("instance", instance.dbInstanceIdentifier(), instance.tagList());
            if (!"deleting".equals(instance.dbInstanceStatus())) {
                rds.deleteDBInstance(r -> r.dbInstanceIdentifier(instance.dbInstanceIdentifier()));
            }
        }
        if (!instances.isEmpty()) {
            return notDone(instances.stream().map(i -> "instance " + i.dbInstanceIdentifier()).toList());
        }
        if (!"deleting".equals(cluster.status())) {
            rds.deleteDBCluster(r -> r.dbClusterIdentifier(id).skipFinalSnapshot(true));
        }
        return notDone(List.of("cluster " + id)); // the next call sees it gone
    }

    private ObjectNode deleteInstance(DBInstance instance) {
        String id = instance.dbInstanceIdentifier();
        requireDrillTag("instance", id, instance.tagList());
        if (!"deleting".equals(instance.dbInstanceStatus())) {
            rds.deleteDBInstance(r -> r.dbInstanceIdentifier(id).skipFinalSnapshot(true).deleteAutomatedBackups(true));
        }
        return notDone(List.of("instance " + id));
    }

    private static void requireDrillTag(String kind, String id, List<Tag> tags) {
        boolean drill = tags.stream().anyMatch(t -> RestorePlan.DRILL_TAG_KEY.equals(t.key()) && "true".equals(t.value()));
        if (!drill) {
            throw new RefusedToDeleteException(kind + " " + id + " is not tagged " + RestorePlan.DRILL_TAG_KEY
                    + "=true: the responder deletes nothing but drill copies");
        }
    }

    private static ObjectNode done(List<String> remaining) {
        return Json.object().put("done", true).set("remaining", Json.MAPPER.valueToTree(remaining));
    }

    private static ObjectNode notDone(List<String> remaining) {
        return Json.object().put("done", false).set("remaining", Json.MAPPER.valueToTree(remaining));
    }

    /** The resource is not a drill copy. */
    public static final class RefusedToDeleteException extends RuntimeException {
        public RefusedToDeleteException(String message) {
            super(message);
        }
    }
}
