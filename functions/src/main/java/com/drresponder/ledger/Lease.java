package com.drresponder.ledger;

import com.drresponder.common.AwsClients;
import com.drresponder.common.Settings;
import com.drresponder.incident.Incident;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A playbook's lease on its resource lock. The lock is taken for {@code LOCK_TTL_SECONDS}; the steps a playbook
 * already runs periodically (record-step, its poll steps) renew it, so a playbook that runs longer than the TTL keeps
 * its resource, and one that died stops renewing and its lock lapses. Renewal is also the fence: a step whose incident
 * no longer holds the lock stops with {@link LeaseLostException} (its Catch records the failure) instead of acting on
 * a resource another incident now owns.
 */
public record Lease(Ledger ledger, Clock clock, Duration ttl) implements Heartbeat {
    /** The lease of the deployment's functions: the ledger table and {@code LOCK_TTL_SECONDS} from the environment. */
    public static Lease fromEnvironment() {
        Settings settings = Settings.fromEnvironment();
        return new Lease(new DynamoDbLedger(AwsClients.create(DynamoDbClient.builder()), settings.ledgerTable()), Clock.systemUTC(),
                settings.lockTtl());
    }

    /** When a lock taken or renewed at {@code now} lapses unless renewed again. */
    public Instant expiry(Instant now) {
        return now.plus(ttl);
    }

    /**
     * Heartbeat: extends the incident's lock to now + TTL (never shortens it).
     *
     * @throws LeaseLostException the incident no longer holds its resource's lock (it lapsed and another incident took it)
     */
    @Override
    public void renew(String incidentId) {
        extend(incidentId, expiry(clock.instant()));
    }

    /** Heartbeat before a wait of known length (an approval): the lock lasts until {@code until} + TTL. */
    public void renewUntil(String incidentId, Instant until) {
        Instant now = clock.instant();
        extend(incidentId, expiry(until.isAfter(now) ? until : now));
    }

    private void extend(String incidentId, Instant expiresAt) {
        if (incidentId == null || incidentId.isBlank()) {
            throw new IllegalArgumentException("incidentId is required in the step input (the step renews its incident's lock)");
        }
        Incident incident = ledger.incident(incidentId)
                .orElseThrow(() -> new IllegalArgumentException("no incident " + incidentId + " in the ledger"));
        if (!ledger.renewLock(incident.resource(), incidentId, clock.instant(), expiresAt)) {
            throw new LeaseLostException("incident " + incidentId + " no longer holds the lock on " + incident.resource()
                    + ": stopping before acting on a resource another incident may own");
        }
    }

    /** The incident's lock lapsed and is no longer its own: the step must not act. */
    public static final class LeaseLostException extends RuntimeException {
        public LeaseLostException(String message) {
            super(message);
        }
    }
}
