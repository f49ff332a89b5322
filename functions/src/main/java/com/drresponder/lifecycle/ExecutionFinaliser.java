package com.drresponder.lifecycle;

import com.drresponder.admission.Deployment;
import com.drresponder.common.Json;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.Ledger;
import com.drresponder.notify.Notification;
import com.drresponder.notify.Notifier;
import com.drresponder.notify.SecretRedactor;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends an incident whose playbook execution ended outside its own states: aborted (StopExecution), timed out
 * (TimeoutSeconds), or failed where no Catch runs ({@code States.Runtime}, {@code States.DataLimitExceeded}, a Fail state).
 * In order: the outcome on the timeline, the incident FAILED (never a terminal one moved), the lock released if this
 * incident still holds it (a lock held for an operator stays), then people told. A designed escalation (the playbook
 * recorded ESCALATED, then reached its Fail state) was recorded and announced by the playbook: it is only counted.
 */
public record ExecutionFinaliser(Ledger ledger, Notifier notifier, Clock clock, Deployment deployment) {
    public static final String ACTOR = "finaliser";
    static final String ACTION = "Execution ended";
    static final Set<String> ENDED = Set.of("FAILED", "TIMED_OUT", "ABORTED");
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionFinaliser.class);
    private static final int MAX_CAUSE = 1000;


    /** What was done. {@code designed}: a recorded escalation (or a refused start), not a responder failure. */
    public record Outcome(String incidentId, String status, boolean designed, boolean recorded, boolean lockReleased, boolean notified,
                          String reason) {}

    /** @param event the EventBridge "Step Functions Execution Status Change" event, as AWS delivers it */
    public Outcome finalise(JsonNode event) {
        if (!"aws.states".equals(Json.text(event, "source"))
                || !"Step Functions Execution Status Change".equals(Json.text(event, "detail-type"))) {
            throw new IllegalArgumentException("not a Step Functions Execution Status Change event");
        }
        JsonNode detail = event.path("detail");
        String status = Json.text(detail, "status");
        String executionArn = Json.text(detail, "executionArn");
        String name = Json.text(detail, "name");
        if (!ENDED.contains(status) || executionArn == null || name == null) {
            throw new IllegalArgumentException("detail must name the execution (executionArn, name) and a status in " + ENDED
                    + ", got status " + status);
        }
        String foreign = foreignBecause(event, detail, executionArn, name);
        if (foreign != null) {
            throw new IllegalArgumentException("not an execution of this deployment's playbooks: " + foreign);
        }
        Incident incident = ledger.incident(name).orElse(null);
        if (incident == null) {
            // admission refused the start before any incident existed (RequestRejected): nothing was locked or changed
            return new Outcome(name, status, true, false, false, false, "no incident " + name + " (start refused before admission)");
        }
        if (incident.executionArn() != null && !incident.executionArn().equals(executionArn)) {
            throw new IllegalArgumentException("incident " + name + " belongs to execution " + incident.executionArn() + ", not " + executionArn);
        }
        if (incident.executionArn() == null && !startedWithItsRequest(incident, detail)) {
            // started directly (StartExecution): its admission recorded the request, not the ARN; the event must carry that request
            throw new IllegalArgumentException("incident " + name + " was opened by another request than this execution's input");
        }
        boolean designed = "FAILED".equals(status) && incident.status() == IncidentStatus.ESCALATED;
        boolean seen = ledger.timeline(incident.id()).stream()
                .anyMatch(e -> ACTOR.equals(e.actor()) && e.detail() != null && e.detail().startsWith(executionArn));
        Instant now = clock.instant();
        String what = describe(status, Json.text(detail, "error"), Json.text(detail, "cause"));
        if (!seen) { // EventBridge delivers at least once: one record per execution
            ledger.append(incident.id(), TimelineEntry.of(now, ACTOR, ACTION, status.toLowerCase(java.util.Locale.ROOT),
                    executionArn + ": " + what));
        }
        if (!designed) {
            ledger.updateStatus(incident.id(), IncidentStatus.FAILED, now);
        }
        boolean released = ledger.releaseLock(incident.resource(), incident.id());
        boolean notified = !designed && !seen && notify(incident, status, what, released, executionArn);
        return new Outcome(incident.id(), status, designed, !seen, released, notified, what);
    }

    /**
     * Why the event is not about an execution of ours, or null: the event, the execution and its state machine must be in
     * this deployment's account and region, the execution must belong to the state machine and carry the name in the detail.
     * (The stack's rule matches only its own state machines; this holds for anyone who can invoke the function.)
     */
    private String foreignBecause(JsonNode event, JsonNode detail, String executionArn, String name) {
        String elsewhere = deployment.foreignBecause(Json.text(event, "account"), Json.text(event, "region"));
        if (elsewhere != null) {
            return elsewhere;
        }
        String stateMachineArn = Json.text(detail, "stateMachineArn");
        String prefix = deployment.arn("states", "stateMachine:");
        if (stateMachineArn == null || !stateMachineArn.startsWith(prefix) || stateMachineArn.length() == prefix.length()) {
            return "state machine " + stateMachineArn + " is not in " + deployment.arn("states", "");
        }
        String expected = deployment.arn("states", "execution:" + stateMachineArn.substring(prefix.length()) + ":" + name);
        return expected.equals(executionArn) ? null : "execution " + executionArn + " is not " + expected;
    }

    /** The execution's input (the status-change event carries it) is the request the incident was admitted with. */
    private static boolean startedWithItsRequest(Incident incident, JsonNode detail) {
        String input = Json.text(detail, "input");
        if (input == null) {
            return false;
        }
        try {
            return com.drresponder.admission.StartAdmission.sameInput(incident.input(), Json.MAPPER.readTree(input));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return false;
        }
    }

    private boolean notify(Incident incident, String status, String what, boolean released, String executionArn) {
        String lock = released ? "The resource lock was released." : ledger.lock(incident.resource())
                .filter(l -> incident.id().equals(l.incidentId())).map(l -> "The resource stays locked for an operator.")
                .orElse("The resource lock was no longer held by this incident.");
        try {
            notifier.send(new Notification(incident.id(), IncidentStatus.FAILED, incident.severity(), incident.playbook(), incident.resource(),
                    "The playbook execution ended " + status + " outside its own steps: " + what,
                    "The outcome is on the incident timeline. " + lock,
                    "Check what the playbook changed and how to undo it on the timeline: drctl show " + incident.id(),
                    List.of(executionArn)));
            return true;
        } catch (RuntimeException e) {
            // best effort: the record and the lock are what matter; the miss is logged and counted
            LOG.error("notification for incident {} failed: {}", incident.id(), e.toString());
            com.drresponder.common.Telemetry.metrics().addMetric("NotificationsFailed", 1,
                    software.amazon.lambda.powertools.metrics.model.MetricUnit.COUNT);
            return false;
        }
    }

    private static String describe(String status, String error, String cause) {
        String text = switch (status) {
            case "ABORTED" -> "stopped (StopExecution)";
            case "TIMED_OUT" -> "ran past its TimeoutSeconds";
            default -> "failed";
        };
        if (error != null) {
            text += "; error " + error;
        }
        if (cause != null) {
            String c = SecretRedactor.redact(cause);
            text += "; cause " + (c.length() > MAX_CAUSE ? c.substring(0, MAX_CAUSE) + "..." : c);
        }
        return text;
    }
}
