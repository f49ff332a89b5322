package com.drresponder.timeline;

import com.drresponder.admission.StartAdmission;
import com.drresponder.common.Telemetry;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.Lease;
import com.drresponder.ledger.Ledger;
import com.drresponder.notify.Notification;
import com.drresponder.notify.Notifier;
import com.drresponder.notify.SecretRedactor;
import com.drresponder.playbook.InvalidRequestException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The one place playbook steps land on the incident timeline, in this order: append the entry, move the status,
 * release the lock (or hold it for an operator, or else renew it: every step is a heartbeat of the playbook's lease,
 * see {@link com.drresponder.ledger.Lease}), then notify people, best effort. Every state machine calls it, so the
 * timeline reads the same for every playbook.
 *
 * @param admission what a playbook's first step ({@code open}) runs, see {@link StartAdmission}
 * @param lockTtl   the lease every step renews (the resource lock lasts that long after the playbook's last step)
 */
public record TimelineRecorder(Ledger ledger, Notifier notifier, Clock clock, StartAdmission admission, Duration lockTtl) {
    private static final Logger LOG = LoggerFactory.getLogger(TimelineRecorder.class);
    /** For steps after the first: {@code open} is refused. */
    public TimelineRecorder(Ledger ledger, Notifier notifier, Clock clock, Duration lockTtl) {
        this(ledger, notifier, clock, null, lockTtl);
    }

    public Result record(StepRecord step) {
        require(step.incidentId(), "incidentId");
        require(step.action(), "action");
        require(step.outcome(), "outcome");
        IncidentStatus status = step.status() == null ? null : status(step.status());
        boolean hold = Boolean.TRUE.equals(step.holdLock());
        if (hold && Boolean.TRUE.equals(step.releaseLock())) {
            throw new InvalidRequestException("holdLock", "a step either holds the lock for an operator or releases it, not both");
        }
        Instant now = clock.instant();
        if (step.open() != null) {
            require(step.open().playbook(), "open.playbook");
            if (admission == null) {
                throw new InvalidRequestException("open", "only a playbook's first step (record-step) admits an execution");
            }
            admission.admit(step.open().playbook(), step.open().execution(), step.open().request());
        }
        Incident incident = ledger.incident(step.incidentId()).orElseThrow(() -> new InvalidRequestException("incidentId",
                "no incident " + step.incidentId() + " in the ledger (start the playbook through the router, or pass \"open\")"));
        boolean fenced = Boolean.TRUE.equals(step.fence());
        if (fenced && !ledger.renewLock(incident.resource(), incident.id(), now, now.plus(lockTtl))) {
            // the fence before a change: another incident may own the resource now; the change must not happen
            append(incident, step.step(), TimelineEntry.of(now, step.actor() == null ? incident.playbook() : step.actor(), step.action(),
                    "not started", "lease lost: incident " + incident.id() + " no longer holds " + incident.resource()
                            + "; nothing was changed"));
            throw new Lease.LeaseLostException("incident " + incident.id() + " no longer holds " + incident.resource()
                    + "; not starting: " + step.action());
        }
        append(incident, step.step(), new TimelineEntry(now, step.actor() == null ? incident.playbook() : step.actor(),
                step.action(), step.outcome(), SecretRedactor.redact(step.detail()), SecretRedactor.redact(step.undo())));
        if (status != null) {
            ledger.updateStatus(incident.id(), status, now);
        }
        boolean released = false;
        boolean held;
        if (hold) {
            // the playbook could not leave the resource safe: the lock stays, without expiry, until a person releases it
            ledger.acquireLock(incident.resource(), incident.id(), now, now.plus(lockTtl));
            held = ledger.holdLock(incident.resource(), incident.id(), now);
        } else if (Boolean.TRUE.equals(step.releaseLock())) {
            released = ledger.releaseLock(incident.resource(), incident.id());
            held = !released && ledger.lock(incident.resource()).map(l -> incident.id().equals(l.incidentId())).orElse(false);
        } else {
            // heartbeat of the lease; a fenced step renewed it above, to the same expiry
            held = fenced || ledger.renewLock(incident.resource(), incident.id(), now, now.plus(lockTtl));
        }
        boolean notified = step.announce() != null && announce(incident, status, step.announce());
        return new Result(incident.id(), now.toString(), released, held, notified);
    }

    /**
     * A step from a state machine names its Task: appended once, so a retry after a lost response (the entry written, the
     * answer lost) adds nothing; the status, lock and notification that follow are idempotent or at least once.
     * Callers without a Task (Java steps recording for themselves) append as before.
     */
    private void append(Incident incident, StepRecord.Step step, TimelineEntry entry) {
        if (step == null) {
            ledger.append(incident.id(), entry);
            return;
        }
        require(step.name(), "step.name");
        require(step.enteredAt(), "step.enteredAt");
        Instant entered;
        try {
            entered = java.time.OffsetDateTime.parse(step.enteredAt()).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidRequestException("step.enteredAt", "must be an ISO-8601 time ($$.State.EnteredTime), got \"" + step.enteredAt() + "\"");
        }
        if (!ledger.appendOnce(incident.id(), step.name(), entered, entry)) {
            LOG.info("incident {}: {} entered at {} is on the timeline already (a retry): not written again", incident.id(), step.name(), entered);
        }
    }

    /**
     * Last, and best effort: the record, the status and the lock are what the playbook relies on; an SNS or KMS
     * failure must neither fail the step (its Catch would call this step again and fail the same way) nor leak the
     * lock. The miss is logged and counted ({@code NotificationsFailed}); the timeline still has the step.
     */
    private boolean announce(Incident incident, IncidentStatus status, StepRecord.Notify announce) {
        try {
            notifier.send(new Notification(incident.id(), status == null ? incident.status() : status, incident.severity(),
                    incident.playbook(), incident.resource(), announce.whatHappened(), announce.whatWasDone(),
                    announce.whatIsNext(), incident.executionArn() == null ? List.of() : List.of(incident.executionArn())));
            return true;
        } catch (RuntimeException e) {
            LOG.error("notification for incident {} failed, the step is recorded: {}", incident.id(), e.toString());
            Telemetry.metrics().addMetric("NotificationsFailed", 1, MetricUnit.COUNT);
            return false;
        }
    }

    private static IncidentStatus status(String value) {
        try {
            return IncidentStatus.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("status", "must be one of " + List.of(IncidentStatus.values()) + ", got \"" + value + "\"");
        }
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(field, "is required");
        }
    }

    /**
     * Returned to the state machine. {@code lockHeld}: the incident still holds its resource's lock after this step;
     * {@code notified}: the announcement was published (false when there was none, or publishing failed).
     */
    public record Result(String incidentId, String recordedAt, boolean lockReleased, boolean lockHeld, boolean notified) {}
}
