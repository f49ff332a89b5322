package com.drresponder.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.InMemoryLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** record-step's order: timeline, status, lock, then the notification, which may fail without failing the step. */
class RecordStepOrderingTest {
    static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");
    static final String RESOURCE = "arn:aws:lambda:us-east-1:123456789012:function:checkout-api:live";

    @Test
    void record_should_recordResolveAndRelease_when_theNotificationFails() {
        // GIVEN an incident holding its resource, and a notifier that fails (SNS or KMS down)
        InMemoryLedger ledger = ledgerWith(IncidentStatus.MITIGATED);
        ledger.acquireLock(RESOURCE, "inc-1", NOW, NOW.plusSeconds(600));
        TimelineRecorder recorder = new TimelineRecorder(ledger, n -> {
            throw new IllegalStateException("SNS: InternalFailure");
        }, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(10));

        // WHEN the last step records, resolves, releases and announces
        TimelineRecorder.Result result = recorder.record(new StepRecord("inc-1", null, "Verify alarm", "cleared", null, null, "RESOLVED", null,
                new StepRecord.Notify("cleared", "rolled back", "nothing"), true));

        // THEN everything but the notification happened, and the step says so instead of failing
        assertThat(result.notified()).isFalse();
        assertThat(result.lockReleased()).isTrue();
        assertThat(ledger.lockHolder(RESOURCE)).isEmpty();
        assertThat(ledger.incident("inc-1")).get().extracting(Incident::status).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(ledger.timeline("inc-1")).extracting(TimelineEntry::action).containsExactly("Verify alarm");
    }

    @Test
    void record_should_writeOneEntry_when_theSameTaskIsRetriedAfterALostResponse() {
        // GIVEN an incident, and a step of a state machine's Task (its state and entry time in the payload)
        InMemoryLedger ledger = ledgerWith(IncidentStatus.INVESTIGATING);
        TimelineRecorder recorder = new TimelineRecorder(ledger, n -> { }, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(10));
        StepRecord step = new StepRecord("inc-1", null, "Update alias", "started", "live: 7 -> 6", "point live back at 7", null, null, null, null,
                null, null, new StepRecord.Step("Record rollback intent", "2026-11-22T03:59:59.250Z"));
        // WHEN the step is recorded, and recorded again by the Task's retry (the first answer was lost)
        recorder.record(step);
        recorder.record(step);
        // THEN the timeline has it once; a later entry of the same state (a loop's next turn) is a new entry
        assertThat(ledger.timeline("inc-1")).extracting(TimelineEntry::action).containsExactly("Update alias");
        recorder.record(new StepRecord("inc-1", null, "Update alias", "started", "live: 7 -> 6", "point live back at 7", null, null, null, null,
                null, null, new StepRecord.Step("Record rollback intent", "2026-11-22T04:05:00Z")));
        assertThat(ledger.timeline("inc-1")).hasSize(2);
    }

    @Test
    void record_should_refuseTheStep_when_itsEntryTimeIsNoTime() {
        InMemoryLedger ledger = ledgerWith(IncidentStatus.INVESTIGATING);
        TimelineRecorder recorder = new TimelineRecorder(ledger, n -> { }, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(10));
        StepRecord step = new StepRecord("inc-1", null, "Update alias", "started", null, null, null, null, null, null, null, null,
                new StepRecord.Step("Record rollback intent", "yesterday"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> recorder.record(step))
                .isInstanceOf(com.drresponder.playbook.InvalidRequestException.class).hasMessageContaining("step.enteredAt");
        assertThat(ledger.timeline("inc-1")).isEmpty();
    }

    /** A ledger holding incident inc-1 (a rollback of RESOURCE) in the given status. */
    private static InMemoryLedger ledgerWith(IncidentStatus status) {
        InMemoryLedger ledger = new InMemoryLedger();
        ledger.openIncident(new Incident("inc-1", "rollback-lambda-alias", RESOURCE, "alarm", Severity.P2, status, null, "errors", "{}", NOW, NOW));
        return ledger;
    }
}
