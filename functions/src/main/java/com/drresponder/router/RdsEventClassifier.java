package com.drresponder.router;

import com.drresponder.common.Json;
import com.drresponder.incident.Severity;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;

/**
 * RDS DB Cluster / DB Instance events. A failure or storage-full event on a protected database opens
 * an incident and proposes a ready-to-run restore input; only event IDs listed in configuration
 * ({@code AUTO_RESTORE_EVENT_IDS}) start a restore on their own, since a restore is a big step.
 * Failover and restore notifications are RDS healing or reporting on itself: nothing to do.
 */
final class RdsEventClassifier {
    private final Set<String> autoRestoreEventIds;

    RdsEventClassifier(Set<String> autoRestoreEventIds) {
        this.autoRestoreEventIds = autoRestoreEventIds;
    }

    Classification classify(EventEnvelope event) {
        JsonNode d = event.detail();
        String sourceArn = Json.text(d, "SourceArn");
        String sourceId = Json.text(d, "SourceIdentifier");
        String eventId = Json.text(d, "EventID");
        String message = Json.text(d, "Message");
        if (sourceArn == null || sourceId == null || eventId == null) {
            return new Classification.Reject("RDS event has no SourceArn, SourceIdentifier or EventID");
        }
        Set<String> categories = new HashSet<>();
        d.path("EventCategories").forEach(c -> categories.add(c.asText().toLowerCase()));
        boolean cluster = sourceArn.contains(":cluster:");
        boolean failure = categories.contains("failure");
        boolean storage = categories.contains("low storage") || categories.contains("storage-full")
                || message != null && message.toLowerCase().contains("storage-full");
        if (!failure && !storage) {
            return new Classification.Ignore("RDS event " + eventId + " (" + String.join(", ", categories)
                    + ") on " + sourceId + " needs no recovery: " + message);
        }
        ObjectNode input = Json.object()
                .put(cluster ? "clusterId" : "instanceId", sourceId)
                .put("restoreTime", "latest")
                .put("cutover", "none")
                .put("approval", true)
                .put("reason", "RDS " + eventId + ": " + message);
        ProtectedResource resource = new ProtectedResource(cluster ? "rds-cluster" : "rds-instance", sourceArn, sourceArn, sourceId);
        return new Classification.Decision(RestoreRequest.PLAYBOOK, resource, Severity.P1, input, eventId + "@" + event.time(),
                "rds:" + eventId, "RDS " + eventId + " on " + sourceId + ": " + message, autoRestoreEventIds.contains(eventId), false);
    }
}
