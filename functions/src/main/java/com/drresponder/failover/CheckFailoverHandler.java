package com.drresponder.failover;

import com.drresponder.database.RdsLookup;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.Environment;
import com.drresponder.common.PollBudget;
import com.drresponder.ledger.Heartbeat;
import com.drresponder.ledger.Lease;
import com.drresponder.restore.CheckProgressHandler;
import com.drresponder.restore.PhaseDeadline;
import com.drresponder.restore.RestoreStepFailedException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.GlobalCluster;
import software.amazon.awssdk.services.rds.model.GlobalClusterMember;

/**
 * The failover's poll step (one call per Wait loop turn; each renews the incident's lease). Done means done as
 * RDS reports it, not merely "the call returned": a promoted replica is {@code available} and names no replication
 * source any more; after an Aurora failover the target reader is the cluster's writer and the cluster is
 * {@code available}. Input {@code {"kind", "id" (instance or cluster), "target" (reader, cluster only),
 * "incidentId", "since", "seconds"}}; output {@code {"ready", "status", "endpoint", "port", "pastDeadline"}}.
 * A terminal RDS state is an error ({@link RestoreStepFailedException}), never "not ready". Each check paces the next
 * turn ({@link PollBudget#pace}: input {@code turn}, {@code pollSeconds}; output {@code turn}, {@code waitSeconds},
 * {@code budgetExhausted}, on which the playbook records, escalates and releases its lock).
 * With a {@code check} field the input is the restore's rename cut-over check ({@link CheckProgressHandler}: the
 * old primary renamed aside, the promoted replica under the primary's name, the undo's next step): one saga, one place.
 */
public final class CheckFailoverHandler extends JsonStepHandler {
    private static final Set<String> TERMINAL = Set.of("failed", "error", "incompatible-parameters", "incompatible-network",
            "inaccessible-encryption-credentials", "storage-full", "deleting");
    private final RdsClient rds;
    private final Clock clock;
    private final Heartbeat heartbeat;
    private final CheckProgressHandler renames;
    private final FailoverRegions regions;
    private final PollBudget budget;

    public CheckFailoverHandler() {
        this(AwsClients.create(RdsClient.builder()), Clock.systemUTC(), Lease.fromEnvironment(), FailoverRegions.fromEnvironment(),
                PollBudget.from(Environment.variables()));
    }

    public CheckFailoverHandler(RdsClient rds, Clock clock, Heartbeat heartbeat, FailoverRegions regions, PollBudget budget) {
        this.rds = rds;
        this.clock = clock;
        this.heartbeat = heartbeat;
        this.budget = budget;
        this.renames = new CheckProgressHandler(rds, clock, heartbeat, budget);
        this.regions = regions;
    }

    /** One Region, the default budget. */
    public CheckFailoverHandler(RdsClient rds, Clock clock, Heartbeat heartbeat) {
        this(rds, clock, heartbeat, new FailoverRegions(null, Set.of(), null, null), PollBudget.from(java.util.Map.of()));
    }

    @Override
    protected Object handle(JsonNode event) {
        if (event.hasNonNull("check")) {
            return renames.handle(event);
        }
        heartbeat.renew(Json.text(event, "incidentId"));
        String kind = required(event, "kind");
        String id = required(event, "id");
        String action = Json.text(event, "action");
        ObjectNode result = action != null && action.startsWith("global-")
                ? global(action, required(event, "globalClusterId"), required(event, "targetArn"))
                : Topology.CLUSTER.equals(kind) ? cluster(id, required(event, "target")) : promoted(id);
        String status = result.path("status").asText();
        if (TERMINAL.contains(status)) {
            throw new RestoreStepFailedException(kind + " " + id + " is " + status + ": RDS will not finish the failover");
        }
        return budget.pace(event, result.put("pastDeadline", PhaseDeadline.passed(PhaseDeadline.from(event), clock.instant())));
    }

    /**
     * A global secondary took over, asked in its own Region: after a switchover or failover it is the global cluster's
     * writer member and the global cluster and it are available; after a detach it is no member any more and available.
     */
    private ObjectNode global(String action, String globalId, String targetArn) {
        RdsClient regional = regions.rds(regions.require("targetArn", targetArn));
        Optional<DBCluster> found = RdsLookup.cluster(regional, targetArn.substring(targetArn.lastIndexOf(':') + 1));
        if (found.isEmpty()) {
            return Json.object().put("ready", false).put("status", "not-found");
        }
        DBCluster target = found.get();
        GlobalCluster global = regional.describeGlobalClusters(r -> r.globalClusterIdentifier(globalId)).globalClusters().get(0);
        Optional<GlobalClusterMember> member = global.globalClusterMembers().stream().filter(m -> targetArn.equals(m.dbClusterArn())).findFirst();
        boolean done = FailoverPlan.GLOBAL_DETACH.equals(action) ? member.isEmpty()
                : member.map(m -> Boolean.TRUE.equals(m.isWriter())).orElse(false) && "available".equals(global.status());
        String state = FailoverPlan.GLOBAL_DETACH.equals(action)
                ? (member.isEmpty() ? "" : " (still a member of " + globalId + ")")
                : (done ? "" : " (" + globalId + " is " + global.status() + ", the secondary " + (member.map(m -> Boolean.TRUE.equals(m.isWriter()))
                .orElse(false) ? "writes" : "does not write yet") + ")");
        return Json.object().put("ready", done && "available".equals(target.status())).put("status", target.status() + state)
                .put("endpoint", target.endpoint()).put("port", target.port() == null ? 5432 : target.port());
    }

    private ObjectNode promoted(String id) {
        Optional<DBInstance> found = RdsLookup.instance(rds, id);
        if (found.isEmpty()) {
            return Json.object().put("ready", false).put("status", "not-found");
        }
        DBInstance instance = found.get();
        boolean standalone = instance.readReplicaSourceDBInstanceIdentifier() == null;
        ObjectNode result = Json.object().put("ready", "available".equals(instance.dbInstanceStatus()) && standalone)
                .put("status", instance.dbInstanceStatus() + (standalone ? "" : " (still a replica)"));
        if (instance.endpoint() != null) {
            result.put("endpoint", instance.endpoint().address());
            result.put("port", instance.endpoint().port() == null ? 5432 : instance.endpoint().port());
        }
        return result;
    }

    private ObjectNode cluster(String id, String target) {
        Optional<DBCluster> found = RdsLookup.cluster(rds, id);
        if (found.isEmpty()) {
            return Json.object().put("ready", false).put("status", "not-found");
        }
        DBCluster cluster = found.get();
        boolean targetWrites = cluster.dbClusterMembers().stream()
                .anyMatch(m -> m.dbInstanceIdentifier().equals(target) && Boolean.TRUE.equals(m.isClusterWriter()));
        return Json.object().put("ready", "available".equals(cluster.status()) && targetWrites)
                .put("status", cluster.status() + (targetWrites ? "" : " (" + target + " is not the writer yet)"))
                .put("endpoint", cluster.endpoint()).put("port", cluster.port() == null ? 5432 : cluster.port());
    }
}
