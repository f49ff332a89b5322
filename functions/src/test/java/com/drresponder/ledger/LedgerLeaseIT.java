package com.drresponder.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger's lease primitives and terminal guard, on the emulator's DynamoDB through the real SDK: the
 * conditional writes are the whole point, so they are proven against DynamoDB's condition evaluation.
 */
@AwsEmulatorTest
class LedgerLeaseIT {
    static final String RESOURCE = "arn:aws:lambda:us-east-1:123456789012:function:checkout-api:live";
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    DynamoDbLedger ledger;

    @BeforeEach
    void deploy(AwsEmulator emulator) {
        ledger = LocalResponder.create(emulator).ledger();
    }

    @Test
    void updateStatus_should_neverMoveATerminalIncidentBack_when_aLateStepArrives() {
        // GIVEN a resolved incident
        ledger.openIncident(new Incident("inc-1", "rollback-lambda-alias", RESOURCE, "alarm", Severity.P2, IncidentStatus.INVESTIGATING,
                null, "s", "{}", NOW, NOW));
        assertThat(ledger.updateStatus("inc-1", IncidentStatus.RESOLVED, NOW)).isTrue();
        // WHEN a late step (a Catch, a retried start) asks for FAILED or INVESTIGATING
        boolean failed = ledger.updateStatus("inc-1", IncidentStatus.FAILED, NOW.plusSeconds(1));
        boolean reopened = ledger.updateStatus("inc-1", IncidentStatus.INVESTIGATING, NOW.plusSeconds(2));
        // THEN nothing moves
        assertThat(failed).isFalse();
        assertThat(reopened).isFalse();
        assertThat(ledger.incident("inc-1")).get().extracting(Incident::status).isEqualTo(IncidentStatus.RESOLVED);
    }

    @Test
    void recordExecution_should_succeedOnce_when_itsFirstResponseIsLostAndTheSdkRetries(AwsEmulator emulator) {
        // GIVEN an opened incident, and DynamoDB losing the answer to the next UpdateItem (the write lands)
        ledger.openIncident(new Incident("inc-1", "rollback-lambda-alias", RESOURCE, "alarm", Severity.P2, IncidentStatus.OPENED,
                null, "s", "{}", NOW, NOW));
        emulator.injectFault(AwsEmulator.Fault.lostResponse("dynamodb", "UpdateItem").times(1));
        // WHEN the router records its execution (the SDK retries the same request), then a concurrent copy tries
        boolean first = ledger.recordExecution("inc-1", "arn:exec:1", IncidentStatus.INVESTIGATING, NOW);
        emulator.clearFaults();
        boolean copy = ledger.recordExecution("inc-1", "arn:exec:1", IncidentStatus.INVESTIGATING, NOW.plusSeconds(1));
        // THEN the retried write counts as the start (the router says STARTED, not DUPLICATE); the copy does not
        assertThat(emulator.requests()).anyMatch(r -> r.action().equals("UpdateItem") && r.fault() != null);
        assertThat(first).isTrue();
        assertThat(copy).isFalse();
        assertThat(ledger.incident("inc-1")).get().extracting(Incident::executionArn).isEqualTo("arn:exec:1");
    }

    @Test
    void acquireLock_should_tellATakenLockFromOneAlreadyHeld_when_theSameIncidentAsksTwice() {
        // WHEN an incident takes a free lock, then asks again, and another incident asks
        Ledger.LockResult first = ledger.acquireLock(RESOURCE, "inc-1", NOW, NOW.plusSeconds(600));
        Ledger.LockResult again = ledger.acquireLock(RESOURCE, "inc-1", NOW, NOW.plusSeconds(600));
        Ledger.LockResult other = ledger.acquireLock(RESOURCE, "inc-2", NOW, NOW.plusSeconds(600));
        // THEN only the first took it; the other is told who holds it
        assertThat(first).isEqualTo(Ledger.LockResult.granted("inc-1"));
        assertThat(again).isEqualTo(Ledger.LockResult.alreadyHeld("inc-1"));
        assertThat(other).isEqualTo(Ledger.LockResult.heldBy("inc-1"));
    }

    @Test
    void renewLock_should_extendOnlyTheHoldersLease_when_aHeartbeatArrives() {
        // GIVEN inc-1 holds the lock until NOW + 60 s
        ledger.acquireLock(RESOURCE, "inc-1", NOW, NOW.plusSeconds(60));
        // WHEN inc-1 beats later, a stranger beats, and inc-1 beats with a shorter lease
        boolean renewed = ledger.renewLock(RESOURCE, "inc-1", NOW.plusSeconds(30), NOW.plusSeconds(3600));
        boolean stranger = ledger.renewLock(RESOURCE, "inc-2", NOW.plusSeconds(30), NOW.plusSeconds(7200));
        boolean shorter = ledger.renewLock(RESOURCE, "inc-1", NOW.plusSeconds(40), NOW.plusSeconds(120));
        // THEN the holder's lease moved forward and was never shortened; the stranger holds nothing
        assertThat(renewed).isTrue();
        assertThat(stranger).isFalse();
        assertThat(shorter).isTrue();
        assertThat(ledger.lock(RESOURCE)).get().isEqualTo(new Ledger.LockState("inc-1", NOW.plusSeconds(3600), false));
        // AND past the original expiry the lock is still taken
        assertThat(ledger.acquireLock(RESOURCE, "inc-2", NOW.plusSeconds(61), NOW.plusSeconds(700)).acquired()).isFalse();
    }

    @Test
    void renewLock_should_notRetakeALock_when_itWasReleased() {
        // GIVEN a released lock
        ledger.acquireLock(RESOURCE, "inc-1", NOW, NOW.plusSeconds(60));
        assertThat(ledger.releaseLock(RESOURCE, "inc-1")).isTrue();
        // WHEN a late heartbeat arrives
        boolean renewed = ledger.renewLock(RESOURCE, "inc-1", NOW.plusSeconds(5), NOW.plusSeconds(600));
        // THEN the incident does not hold it, and no lock exists
        assertThat(renewed).isFalse();
        assertThat(ledger.lock(RESOURCE)).isEmpty();
    }

    @Test
    void holdLock_should_keepTheLockThroughReleaseAndExpiry_when_heldForAnOperator() {
        // GIVEN inc-1 holds the lock and holds it for an operator
        ledger.acquireLock(RESOURCE, "inc-1", NOW, NOW.plusSeconds(60));
        assertThat(ledger.holdLock(RESOURCE, "inc-2", NOW)).isFalse();
        assertThat(ledger.holdLock(RESOURCE, "inc-1", NOW)).isTrue();
        // WHEN the playbook's end releases, a heartbeat arrives, and another incident asks long after the lease
        boolean released = ledger.releaseLock(RESOURCE, "inc-1");
        boolean heartbeat = ledger.renewLock(RESOURCE, "inc-1", NOW.plusSeconds(10), NOW.plusSeconds(600));
        Ledger.LockResult later = ledger.acquireLock(RESOURCE, "inc-2", NOW.plusSeconds(86_400), NOW.plusSeconds(90_000));
        // THEN the lock stays with inc-1, without expiry
        assertThat(released).isFalse();
        assertThat(heartbeat).isTrue();
        assertThat(later).isEqualTo(Ledger.LockResult.heldBy("inc-1"));
        assertThat(ledger.lock(RESOURCE)).get().isEqualTo(new Ledger.LockState("inc-1", null, true));
    }
}
