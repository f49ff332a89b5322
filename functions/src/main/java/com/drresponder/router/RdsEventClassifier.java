package com.drresponder.router;

import com.drresponder.admission.Deployment;
import com.drresponder.admission.ProtectedResource;
import com.drresponder.common.Json;
import com.drresponder.incident.Severity;
import com.drresponder.playbook.FailoverRequest;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RDS DB Cluster / DB Instance events, by EventID (categories are too coarse: "failover" holds both
 * "failover failed" and "failover completed"). A failure or storage-full event on a protected database
 * opens an incident with a ready-to-run restore input; only EventIDs listed in configuration
 * ({@code AUTO_RESTORE_EVENT_IDS}) start a restore on their own, because a restore is a big step.
 * Events of an Aurora member instance are attributed to its cluster: Aurora restores whole clusters.
 * Where the event means the primary is gone or impaired ({@link #FAILOVER_EVENTS}) and RDS reports a replica (or
 * Aurora reader) available, the proposal is a failover instead: minutes, where a restore takes hours. The
 * failover's own plan then checks the replica's lag and opt-in and refuses otherwise (a restore is the way back).
 */
record RdsEventClassifier(Deployment deployment, Set<String> autoRestoreEventIds, RdsTopology topology) {
    /** EventID -> severity, for the events that may call for a restore. Sources: AWS RDS/Aurora event tables. */
    static final Map<String, Severity> RECOVERY_EVENTS = Map.of(
            "RDS-EVENT-0031", Severity.P1, // DB instance failed (incompatible configuration or storage issue)
            "RDS-EVENT-0069", Severity.P1, // Aurora cluster failover failed
            "RDS-EVENT-0221", Severity.P1, // storage-full threshold reached, database shut down
            "RDS-EVENT-0007", Severity.P1, // allocated storage exhausted
            "RDS-EVENT-0222", Severity.P2, // approaching the storage-full threshold
            "RDS-EVENT-0227", Severity.P2);  // Aurora cluster storage dangerously low
    /** The primary is gone or impaired and a replica could serve instead: instance failed; Aurora's own failover failed. */
    static final Set<String> FAILOVER_EVENTS = Set.of("RDS-EVENT-0031", "RDS-EVENT-0069");
    static final Set<String> STORAGE_EVENTS = Set.of("RDS-EVENT-0221", "RDS-EVENT-0007", "RDS-EVENT-0222", "RDS-EVENT-0227");

    /** The ARN of the event's source: a DB instance ({@code :db:}) or cluster ({@code :cluster:}). */
    private static final Pattern SOURCE_ARN = Pattern.compile("arn:aws[a-z-]*:rds:[a-z0-9-]+:\\d{12}:(db|cluster):[A-Za-z][A-Za-z0-9-]{0,62}");


    Classification classify(EventEnvelope event) {
        JsonNode d = event.detail();
        String sourceArn = Json.text(d, "SourceArn");
        String sourceId = Json.text(d, "SourceIdentifier");
        String eventId = Json.text(d, "EventID");
        String message = Json.text(d, "Message");
        if (sourceArn == null || sourceId == null || eventId == null) {
            return new Classification.Reject("RDS event has no SourceArn, SourceIdentifier or EventID");
        }
        Severity severity = RECOVERY_EVENTS.get(eventId);
        if (severity == null) {
            return new Classification.Ignore("RDS " + eventId + " on " + sourceId + " needs no recovery: " + message);
        }
        Matcher arn = SOURCE_ARN.matcher(sourceArn);
        if (!arn.matches()) {
            return new Classification.Reject("RDS event SourceArn is not a DB instance or cluster ARN (arn:...:rds:...:db:<id> or :cluster:<id>): \""
                    + (sourceArn.length() <= 120 ? sourceArn : sourceArn.substring(0, 117) + "...") + "\"");
        }
        boolean clusterEvent = "cluster".equals(arn.group(1));
        Optional<String> cluster = clusterEvent ? Optional.of(sourceId) : topology.clusterOf(sourceId);
        ProtectedResource resource = ProtectedResource.rdsDatabase(deployment, cluster.isPresent(), cluster.orElse(sourceId));
        String targetId = resource.displayName();
        String reason = "RDS " + eventId + " on " + sourceId + ": " + message;
        String dedupeKey = eventId + "@" + sourceId + "@" + event.time();
        Optional<String> replica = FAILOVER_EVENTS.contains(eventId) ? topology.healthyReplicaOf(targetId, cluster.isPresent()) : Optional.empty();
        if (replica.isPresent()) {
            ObjectNode failover = Json.object().put(cluster.isPresent() ? "clusterId" : "instanceId", targetId).put("approval", true)
                    .put("reason", reason);
            return new Classification.Decision(FailoverRequest.PLAYBOOK, resource, severity, failover, dedupeKey, "rds:" + eventId,
                    reason + " (" + replica.get() + " is available: fail over to it rather than restore; the failover plan checks its lag"
                            + " and opt-in first)", autoRestoreEventIds.contains(eventId), false);
        }
        ObjectNode input = Json.object()
                .put(cluster.isPresent() ? "clusterId" : "instanceId", targetId)
                .put("restoreTime", "latest")
                .put("cutover", "none")
                .put("approval", true)
                .put("reason", reason);
        String summary = reason
                + (STORAGE_EVENTS.contains(eventId) ? " (add storage first; restore only if data was damaged)" : "");
        return new Classification.Decision(RestoreRequest.PLAYBOOK, resource, severity, input, dedupeKey,
                "rds:" + eventId, summary, autoRestoreEventIds.contains(eventId), false);
    }
}
