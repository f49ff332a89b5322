package com.drresponder.rollback;

import com.drresponder.common.Json;
import com.drresponder.common.Telemetry;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.AliasChange;
import com.drresponder.ledger.Ledger;
import com.drresponder.notify.Notification;
import com.drresponder.notify.Notifier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * What record-rollback records ({@link RecordRollbackHandler}) once the alias was updated, or once an in-flight
 * CodeDeploy deployment was stopped with rollback instead.
 *
 * @param verifyWindow how long the alarm may take to clear after the rollback before escalating
 * @param pollInterval how often the verify loop reads the alarm (CloudWatch evaluates each minute at best)
 * @param rtoTarget    the time from alarm to rollback the runbook promises (reported as met or missed)
 */
public record RollbackRecorder(Ledger ledger, Notifier notifier, Clock clock, Duration verifyWindow, Duration pollInterval,
                               Duration rtoTarget) {
    ObjectNode record(JsonNode in) {
        String incidentId = Json.text(in, "incidentId");
        RollbackPlan plan = Json.MAPPER.convertValue(in.path("plan"), RollbackPlan.class);
        Instant now = clock.instant();
        String functionArn = plan.aliasArn().substring(0, plan.aliasArn().lastIndexOf(':'));
        JsonNode inFlight = in.path("input").path("codeDeployInFlight").path("ids").path(0);
        String stoppedDeployment = inFlight.isTextual() ? inFlight.asText() : null;
        if (stoppedDeployment != null && in.path("input").has("codeDeployStop")) {
            return recordDeferral(incidentId, plan, functionArn, stoppedDeployment, in, now);
        }
        ledger.markBadVersion(functionArn, plan.badVersion(), incidentId, now);
        ledger.recordAliasChange(new AliasChange(plan.aliasArn(), plan.toVersion(), now, "rollback"));
        // a clear-weights plan (or its re-plan found applied) keeps the version and only drops the canary's weight
        String change = plan.fromVersion().equals(plan.toVersion())
                ? "weighted rollout of version " + plan.badVersion() + " stopped: all traffic on " + plan.toVersion()
                : plan.alias() + ": version " + plan.fromVersion() + " -> " + plan.toVersion() + " (" + plan.reason() + ")";
        String undo = plan.undo();
        ledger.append(incidentId, new TimelineEntry(now, "rollback-lambda-alias", "Update alias", "succeeded", change, undo));
        ledger.updateStatus(incidentId, IncidentStatus.MITIGATED, now);
        Duration toMitigate = sinceDetection(Json.text(in.path("input"), "detectedAt"), now);
        if (toMitigate != null) {
            Telemetry.metrics().addMetric("TimeToMitigateSeconds", toMitigate.toMillis() / 1000.0, MetricUnit.SECONDS);
        }
        ledger.incident(incidentId).ifPresent(incident -> notifier.send(new Notification(incidentId, IncidentStatus.MITIGATED,
                incident.severity(), incident.playbook(), incident.resource(), incident.summary(),
                "Rolled back " + plan.functionName() + ":" + change + "."
                        + (toMitigate == null ? "" : " Time from alarm to rollback: " + toMitigate.toSeconds() + " s (RTO target "
                        + rtoTarget.toMinutes() + " min: " + (met(toMitigate) ? "met" : "MISSED") + ")."),
                "Watching the alarm until it clears. Undo: " + undo,
                incident.executionArn() == null ? List.of() : List.of(incident.executionArn()))));
        ObjectNode out = verifyLoop(now);
        if (toMitigate != null) {
            out.put("secondsToMitigate", toMitigate.toMillis() / 1000.0);
            out.put("rtoTargetSeconds", rtoTarget.toSeconds());
            out.put("rtoMet", met(toMitigate));
        }
        return out;
    }

    /**
     * The playbook stopped an in-flight CodeDeploy deployment with rollback rather than fight its traffic shifting:
     * CodeDeploy moves the alias back (CloudTrail then feeds the alias history); the responder records which it did.
     */
    private ObjectNode recordDeferral(String incidentId, RollbackPlan plan, String functionArn, String deploymentId, JsonNode in, Instant now) {
        String current = plan.fromVersion();
        ledger.markBadVersion(functionArn, current, incidentId, now);
        String change = "CodeDeploy deployment " + deploymentId + " of " + plan.functionName() + ":" + plan.alias() + " (now on version "
                + current + ") stopped with rollback: CodeDeploy moves the alias back to its version before the deployment; the responder did not update the alias"
                // the retry of a stop whose answer was lost met it completed; GetDeployment found it Stopped
                + (in.path("input").path("codeDeployStop").path("answerLost").asBoolean() ? " (StopDeployment's answer was lost; the deployment was found stopped)" : "");
        String undo = plan.codeDeployUndo();
        ledger.append(incidentId, new TimelineEntry(now, "rollback-lambda-alias", "Stop CodeDeploy deployment", "stopped with rollback", change, undo));
        ledger.updateStatus(incidentId, IncidentStatus.MITIGATED, now);
        ledger.incident(incidentId).ifPresent(incident -> notifier.send(new Notification(incidentId, IncidentStatus.MITIGATED,
                incident.severity(), incident.playbook(), incident.resource(), incident.summary(), change + ".",
                "Watching the alarm until it clears. " + undo,
                incident.executionArn() == null ? List.of() : List.of(incident.executionArn()))));
        return verifyLoop(now).put("deferredTo", deploymentId);
    }

    /** The verify loop's terms, from {@code now}: when it gives up on the alarm and how often it reads it. */
    private ObjectNode verifyLoop(Instant now) {
        ObjectNode out = Json.object();
        out.put("recordedAt", now.toString());
        out.put("verifyDeadline", now.plus(verifyWindow).toString());
        out.put("pollSeconds", Math.max(1, pollInterval.toSeconds()));
        return out;
    }

    private boolean met(Duration toMitigate) {
        return toMitigate.compareTo(rtoTarget) <= 0;
    }

    private static Duration sinceDetection(String detectedAt, Instant now) {
        if (detectedAt == null) {
            return null;
        }
        return Duration.between(AlarmReader.timestamp(detectedAt), now);
    }
}
