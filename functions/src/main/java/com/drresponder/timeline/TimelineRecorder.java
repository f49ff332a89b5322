package com.drresponder.timeline;

import com.drresponder.admission.StartAdmission;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.Ledger;
import com.drresponder.notify.Notification;
import com.drresponder.notify.Notifier;
import com.drresponder.notify.SecretRedactor;
import com.drresponder.playbook.InvalidRequestException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The one place playbook steps land on the incident timeline: append the entry, move the status,
 * notify people, release the lock. Every state machine calls it, so the timeline reads the same for
 * every playbook.
 */
public final class TimelineRecorder {
    /** How long a held lock ({@code holdLock}) lasts: an operator releases it once the resource is safe again. */
    public static final java.time.Duration HELD_LOCK = java.time.Duration.ofDays(30);
    private final Ledger ledger;
    private final Notifier notifier;
    private final Clock clock;
    private final StartAdmission admission;

    /** {@code admission}: what a playbook's first step ({@code open}) runs; see {@link StartAdmission}. */
    public TimelineRecorder(Ledger ledger, Notifier notifier, Clock clock, StartAdmission admission) {
        this.ledger = ledger;
        this.notifier = notifier;
        this.clock = clock;
        this.admission = admission;
    }

    /** For steps after the first: {@code open} is refused. */
    public TimelineRecorder(Ledger ledger, Notifier notifier, Clock clock) {
        this(ledger, notifier, clock, null);
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
        ledger.append(incident.id(), new TimelineEntry(now, step.actor() == null ? incident.playbook() : step.actor(),
                step.action(), step.outcome(), SecretRedactor.redact(step.detail()), SecretRedactor.redact(step.undo())));
        if (status != null) {
            ledger.updateStatus(incident.id(), status, now);
        }
        if (step.announce() != null) {
            notifier.send(new Notification(incident.id(), status == null ? incident.status() : status, incident.severity(),
                    incident.playbook(), incident.resource(), step.announce().whatHappened(), step.announce().whatWasDone(),
                    step.announce().whatIsNext(), incident.executionArn() == null ? List.of() : List.of(incident.executionArn())));
        }
        if (hold) {
            ledger.acquireLock(incident.resource(), incident.id(), now, now.plus(HELD_LOCK));
        }
        boolean released = Boolean.TRUE.equals(step.releaseLock()) && ledger.releaseLock(incident.resource(), incident.id());
        return new Result(incident.id(), now.toString(), released);
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

    /** Returned to the state machine. */
    public record Result(String incidentId, String recordedAt, boolean lockReleased) {}
}
