package com.drresponder.restore;

import com.drresponder.database.RdsLookup;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Environment;
import com.drresponder.common.Json;
import com.drresponder.common.PollBudget;
import com.drresponder.ledger.Heartbeat;
import com.drresponder.ledger.Lease;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * The restore playbook's poll step (one call per Wait loop turn; each renews the incident's lease, {@link Lease}).
 * Input {@code {"check", "kind", "id", "incidentId", "since",
 * "seconds", ...}}; {@code since}/{@code seconds} are the phase's deadline ({@link PhaseDeadline}). Checks:
 * <ul>
 *   <li>{@code snapshot}, {@code database} (a cluster with all its instances), {@code renamed} (the restored copy
 *       under its new name): {@code available} yet? Output {@code {"ready", "status", "endpoint", "port"}}.</li>
 *   <li>{@code source-renamed}: the source answers under {@code id} (its {@code -old-} name) and is no longer
 *       renaming, in any state it may have had before ({@code sourceStatus}): a restore is started because the
 *       source is unwell. A terminal state it did not have before is an error.</li>
 *   <li>{@code locate-source} (after a failed rename call): did the rename happen anyway? {@code {"renamed"}}:
 *       the source answers at {@code id} (the {@code -old-} name) or is renaming at {@code sourceId}.</li>
 *   <li>{@code undo-cutover}: the next step of the compensation ({@link CutoverUndo}), from what answers at
 *       {@code sourceId}, {@code targetId} and {@code oldId}; with {@code copyResourceId} (a failover's promoted
 *       replica) the database that took the source's name is known by that RDS resource id, else by its tag.</li>
 *   <li>{@code ours-snapshot}, {@code ours-database} (after a create/restore call failed: a retry after a lost answer
 *       meets AlreadyExists although the work happened): does {@code id} exist, and is it this incident's (tag
 *       {@code dr:incident} = {@code incidentId}, set in the create request)? {@code {"exists", "ours", "detail"}}.</li>
 * </ul>
 * A resource still being created or renamed is "not ready", never an error; a terminal failure state is an error.
 * The wait checks ({@code snapshot}, {@code database}, {@code renamed}, {@code source-renamed}) also pace the next turn
 * ({@link PollBudget#pace}: input {@code turn}, {@code loopFrom}, {@code pollSeconds}; output {@code turn},
 * {@code waitSeconds}, {@code budgetExhausted}): the restore's waits share one history budget per execution.
 */
public final class CheckProgressHandler extends JsonStepHandler {
    private static final Set<String> TERMINAL = Set.of("failed", "error", "incompatible-restore", "incompatible-parameters",
            "incompatible-network", "inaccessible-encryption-credentials", "storage-full");
    private final RdsClient rds;
    private final java.time.Clock clock;
    private final Heartbeat heartbeat;
    private final PollBudget budget;

    public CheckProgressHandler() {
        this(AwsClients.create(RdsClient.builder()), java.time.Clock.systemUTC(), Lease.fromEnvironment(), PollBudget.from(Environment.variables()));
    }

    /**
     * {@code heartbeat}: each poll renews the incident's lock (a restore may run far longer than the initial lease);
     * {@code budget}: the pacing of the wait loops' next turn.
     */
    public CheckProgressHandler(RdsClient rds, java.time.Clock clock, Heartbeat heartbeat, PollBudget budget) {
        this.rds = rds;
        this.clock = clock;
        this.heartbeat = heartbeat;
        this.budget = budget;
    }

    /** Public: the failover's poll step runs its rename cut-over through these same checks. */
    @Override
    public Object handle(JsonNode event) {
        heartbeat.renew(Json.text(event, "incidentId"));
        String check = required(event, "check");
        String kind = required(event, "kind");
        String id = required(event, "id");
        if (check.startsWith("ours-")) {
            return ours(check, kind, id, required(event, "incidentId"));
        }
        boolean pastDeadline = PhaseDeadline.passed(PhaseDeadline.from(event), clock.instant());
        if ("undo-cutover".equals(check)) {
            return undoCutover(event, kind, id, pastDeadline);
        }
        if ("locate-source".equals(check)) {
            CutoverUndo.Named atSource = named(kind, required(event, "sourceId"));
            boolean renamed = named(kind, id) != null || atSource != null && "renaming".equals(atSource.status());
            return Json.object().put("renamed", renamed).put("id", id);
        }
        ObjectNode result = switch (check) {
            case "snapshot" -> snapshot(kind, id);
            case "database" -> SourceDatabase.CLUSTER.equals(kind) ? cluster(id, true) : instance(id);
            // a rename does not touch a cluster's instances: only the cluster under its new name matters
            case "renamed", "source-renamed" -> SourceDatabase.CLUSTER.equals(kind) ? cluster(id, false) : instance(id);
            default -> throw new IllegalArgumentException("check must be snapshot, database, renamed, source-renamed, locate-source or undo-cutover, got " + check);
        };
        result.put("pastDeadline", pastDeadline);
        String status = result.path("status").asText();
        if ("source-renamed".equals(check)) {
            String before = required(event, "sourceStatus");
            result.put("ready", !"not-found".equals(status) && !CutoverUndo.IN_FLIGHT.contains(status));
            if (TERMINAL.contains(status) && !status.equals(before)) {
                throw new RestoreStepFailedException("source " + id + " became " + status + " during the cut-over (it was " + before + ")");
            }
            return budget.pace(event, result.put("id", id));
        }
        if (TERMINAL.contains(status)) {
            throw new RestoreStepFailedException(kind + " " + check + " " + id + " is " + status + ": RDS will not finish it");
        }
        return budget.pace(event, result.put("id", id));
    }

    private ObjectNode undoCutover(JsonNode event, String kind, String oldId, boolean pastDeadline) {
        String sourceId = required(event, "sourceId");
        String targetId = required(event, "targetId");
        // the failover's promoted replica predates the incident: it is known by its resource id, the restore's copy by its tag
        CutoverUndo.Copy copy = event.has("copyResourceId") ? CutoverUndo.Copy.withResourceId(required(event, "copyResourceId"))
                : CutoverUndo.Copy.taggedBy(required(event, "incidentId"));
        return CutoverUndo.next(copy, sourceId, named(kind, sourceId), targetId, named(kind, targetId),
                oldId, named(kind, oldId), pastDeadline).toJson();
    }

    /**
     * Whether a failed create/restore happened anyway and is ours: only the incident tag counts, so a resource someone
     * else made under the planned name (between validation and the call) is never taken for the restore's.
     */
    private ObjectNode ours(String check, String kind, String id, String incidentId) {
        boolean cluster = SourceDatabase.CLUSTER.equals(kind);
        Optional<Map<String, String>> tags = switch (check) {
            case "ours-snapshot" -> cluster ? RdsLookup.clusterSnapshot(rds, id).map(c -> RdsLookup.tags(c.tagList()))
                    : RdsLookup.instanceSnapshot(rds, id).map(i -> RdsLookup.tags(i.tagList()));
            case "ours-database" -> cluster ? RdsLookup.cluster(rds, id).map(c -> RdsLookup.tags(c.tagList()))
                    : RdsLookup.instance(rds, id).map(i -> RdsLookup.tags(i.tagList()));
            default -> throw new IllegalArgumentException("check must be ours-snapshot or ours-database, got " + check);
        };
        String owner = tags.map(t -> t.get(RestorePlan.INCIDENT_TAG_KEY)).orElse(null);
        boolean ours = incidentId.equals(owner);
        String what = check.substring("ours-".length()) + " " + id;
        String detail = tags.isEmpty() ? what + " does not exist: the request did not take effect"
                : ours ? what + " exists and carries " + RestorePlan.INCIDENT_TAG_KEY + "=" + incidentId + ": the request took effect (its answer was lost)"
                : what + " exists but is not this incident's (" + RestorePlan.INCIDENT_TAG_KEY + "=" + (owner == null ? "none" : owner) + "); it was left alone";
        return Json.object().put("id", id).put("exists", tags.isPresent()).put("ours", ours).put("detail", detail);
    }

    /** What answers under an identifier, with its tags (they tell the restored copy from the source); null if nothing. */
    private CutoverUndo.Named named(String kind, String id) {
        if (SourceDatabase.CLUSTER.equals(kind)) {
            return RdsLookup.cluster(rds, id).map(c -> new CutoverUndo.Named(id, c.status(), RdsLookup.tags(c.tagList()), c.dbClusterResourceId()))
                    .orElse(null);
        }
        return RdsLookup.instance(rds, id).map(i -> new CutoverUndo.Named(id, i.dbInstanceStatus(), RdsLookup.tags(i.tagList()), i.dbiResourceId()))
                .orElse(null);
    }

    private ObjectNode snapshot(String kind, String id) {
        Optional<String> status = SourceDatabase.CLUSTER.equals(kind) ? RdsLookup.clusterSnapshot(rds, id).map(s -> s.status())
                : RdsLookup.instanceSnapshot(rds, id).map(s -> s.status());
        return status.map(CheckProgressHandler::status).orElseGet(CheckProgressHandler::notFound);
    }

    private ObjectNode cluster(String id, boolean withInstances) {
        Optional<DBCluster> found = RdsLookup.cluster(rds, id);
        if (found.isEmpty()) {
            return notFound(); // a rename in progress: the new name appears when RDS is done
        }
        DBCluster cluster = found.get();
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
        Optional<DBInstance> found = RdsLookup.instance(rds, id);
        if (found.isEmpty()) {
            return notFound();
        }
        DBInstance instance = found.get();
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
