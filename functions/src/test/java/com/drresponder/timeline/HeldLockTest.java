package com.drresponder.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.common.Json;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.ledger.InMemoryLedger;
import com.drresponder.playbook.InvalidRequestException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code holdLock}: a playbook that could not leave its resource safe keeps it locked for an operator. */
class HeldLockTest {
    static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");
    static final String RESOURCE = "arn:aws:rds:us-east-1:123456789012:cluster:orders-db";
    final InMemoryLedger ledger = new InMemoryLedger();
    final TimelineRecorder recorder = new TimelineRecorder(ledger, n -> { }, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(10));

    /** inc-1's write-ahead intent before it renames the database, fenced on its lock. */
    static final String RENAME_INTENT = """
            {"incidentId": "inc-1", "action": "Cut-over: rename", "outcome": "started", "undo": "rename back", "fence": true}""";

    /** The state machine's payload as the ASL sends it. */
    static StepRecord step(String json) throws Exception {
        return Json.MAPPER.readValue(json, StepRecord.class);
    }

    @BeforeEach
    void lockedIncident() {
        ledger.openIncident(new Incident("inc-1", "restore-database-to-point-in-time", RESOURCE, "manual", Severity.P1,
                IncidentStatus.IDENTIFIED, null, "Restore orders-db", "{}", NOW, NOW));
        ledger.acquireLock(RESOURCE, "inc-1", NOW, NOW.plusSeconds(7200));
    }

    @Test
    void holdLock_should_keepTheLockPastItsTtl_when_recorded() throws Exception {
        // GIVEN the state machine's payload as the ASL sends it
        StepRecord step = step("""
                {"incidentId": "inc-1", "action": "Undo cut-over", "outcome": "CutoverUndoFailed", "status": "ESCALATED", "holdLock": true}""");
        // WHEN recorded
        TimelineRecorder.Result result = recorder.record(step);
        // THEN the lock is not released and outlives its usual lifetime: nobody else acts on the resource meanwhile
        assertThat(result.lockReleased()).isFalse();
        assertThat(result.lockHeld()).isTrue();
        assertThat(ledger.lock(RESOURCE)).get().satisfies(l -> assertThat(l.heldForOperator()).isTrue());
        assertThat(ledger.acquireLock(RESOURCE, "inc-2", NOW.plusSeconds(365L * 24 * 3600), NOW.plusSeconds(9000)).acquired()).isFalse();
        // AND nothing that finishes the execution releases it (the finaliser asks as the incident itself)
        assertThat(ledger.releaseLock(RESOURCE, "inc-1")).isFalse();
    }

    @Test
    void fence_should_stopTheChangeAndSaySo_when_anotherIncidentTookTheResource() throws Exception {
        // GIVEN inc-1's lease lapsed and inc-2 took the database
        ledger.releaseLock(RESOURCE, "inc-1");
        ledger.acquireLock(RESOURCE, "inc-2", NOW, NOW.plusSeconds(600));
        StepRecord intent = step(RENAME_INTENT);
        // WHEN inc-1's playbook records its write-ahead intent
        assertThatThrownBy(() -> recorder.record(intent)).isInstanceOf(com.drresponder.ledger.Lease.LeaseLostException.class)
                .hasMessageContaining("no longer holds " + RESOURCE);
        // THEN the change is not announced as started but as not started, and inc-2 keeps the resource
        assertThat(ledger.timeline("inc-1")).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("not started");
            assertThat(e.detail()).contains("lease lost");
        });
        assertThat(ledger.lock(RESOURCE)).get().satisfies(l -> assertThat(l.incidentId()).isEqualTo("inc-2"));
    }

    @Test
    void fence_should_recordTheIntentAndRenew_when_theIncidentStillHoldsTheResource() throws Exception {
        StepRecord intent = step(RENAME_INTENT);
        TimelineRecorder.Result result = recorder.record(intent);
        assertThat(result.lockHeld()).isTrue();
        assertThat(ledger.timeline("inc-1")).singleElement().satisfies(e -> assertThat(e.undo()).isEqualTo("rename back"));
    }

    @Test
    void fence_should_renewTheLeaseOnce_when_theIncidentStillHoldsTheResource() throws Exception {
        // GIVEN a ledger that counts its calls
        InMemoryLedger counted = org.mockito.Mockito.spy(ledger);
        TimelineRecorder fenced = new TimelineRecorder(counted, n -> { }, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(10));
        // WHEN a fenced write-ahead intent is recorded
        assertThat(fenced.record(step(RENAME_INTENT)).lockHeld()).isTrue();
        // THEN the fence's renewal is the step's heartbeat too: one conditional write, not a second one to the same expiry
        org.mockito.Mockito.verify(counted, org.mockito.Mockito.times(1)).renewLock(RESOURCE, "inc-1", NOW, NOW.plus(Duration.ofMinutes(10)));
    }

    @Test
    void step_should_renewTheLease_when_neitherReleasingNorHolding() {
        // GIVEN the lock taken 7 minutes ago for 10 minutes; WHEN a later step is recorded (the playbook is alive)
        ledger.releaseLock(RESOURCE, "inc-1");
        ledger.acquireLock(RESOURCE, "inc-1", NOW.minusSeconds(420), NOW.plusSeconds(180));
        TimelineRecorder.Result result = recorder.record(new StepRecord("inc-1", null, "Check", "ok", null, null, null, null, null, null));
        // THEN the lease runs 10 minutes from now
        assertThat(result.lockHeld()).isTrue();
        assertThat(ledger.lock(RESOURCE)).get().satisfies(l -> assertThat(l.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(10))));
    }

    @Test
    void step_should_reportTheLeaseLost_when_anotherIncidentTookTheLapsedLock() {
        ledger.releaseLock(RESOURCE, "inc-1");
        ledger.acquireLock(RESOURCE, "inc-2", NOW, NOW.plusSeconds(600));
        TimelineRecorder.Result result = recorder.record(new StepRecord("inc-1", null, "Check", "ok", null, null, null, null, null, null));
        assertThat(result.lockHeld()).isFalse();
        assertThat(ledger.lockHolder(RESOURCE)).contains("inc-2");
    }

    @Test
    void holdLock_should_beRefused_when_askedTogetherWithReleaseLock() {
        StepRecord both = new StepRecord("inc-1", null, "Undo cut-over", "CutoverUndoFailed", null, null, null, null, null, true, true);
        assertThatThrownBy(() -> recorder.record(both)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("holdLock");
        assertThat(ledger.lockHolder(RESOURCE)).contains("inc-1");
    }
}
