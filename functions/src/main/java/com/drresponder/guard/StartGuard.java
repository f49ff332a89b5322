package com.drresponder.guard;

import com.drresponder.incident.Incident;
import com.drresponder.ledger.Ledger;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The global guard on mutating playbook starts in one account and region ({@code scope}): a token bucket of
 * {@code MUTATING_STARTS_PER_MINUTE}, kept in the ledger so that every router instance shares it. A start that finds
 * no token (or others already waiting) is queued in the ledger, P1 before P2, then in the order the incidents opened,
 * and started in that order as tokens come back: never dropped.
 */
public final class StartGuard {
    /** Bucket writes that lost a race to another start before this one queues instead (it is drained within a minute). */
    private static final int ATTEMPTS = 5;

    private final Ledger ledger;
    private final String scope;
    private final TokenBucket bucket;
    private final Clock clock;

    /** @param clock the refill clock; the local deployment may move it (the emulator lets no time pass) */
    public StartGuard(Ledger ledger, String account, String region, int perMinute, Clock clock) {
        this.ledger = ledger;
        this.scope = account + "/" + region;
        this.bucket = new TokenBucket(perMinute);
        this.clock = clock;
    }

    public String scope() {
        return scope;
    }

    public int perMinute() {
        return bucket.perMinute();
    }

    /** True (a token taken) when nothing is waiting and a token is left: start now. */
    public boolean startNow() {
        return ledger.queuedStarts(scope, 1).isEmpty() && takeToken();
    }

    /** Takes one token, or returns false when none is left. */
    public boolean takeToken() {
        for (int i = 0; i < ATTEMPTS; i++) {
            Optional<Ledger.Bucket> stored = ledger.bucket(scope);
            Optional<Ledger.Bucket> next = bucket.take(stored, clock.instant());
            if (next.isEmpty()) {
                return false;
            }
            if (ledger.replaceBucket(scope, stored.orElse(null), next.get())) {
                return true;
            }
        }
        return false;
    }

    /** Queues the incident's start (idempotent: the same incident queues under the same key). */
    public Ledger.QueuedStart enqueue(Incident incident, String stateMachineArn) {
        Ledger.QueuedStart q = new Ledger.QueuedStart(scope, incident.severity(), incident.createdAt(), incident.id(), stateMachineArn);
        ledger.enqueueStart(q);
        return q;
    }

    /** The first {@code limit} waiting starts, in start order. */
    public List<Ledger.QueuedStart> waiting(int limit) {
        return ledger.queuedStarts(scope, limit);
    }

    public void started(Ledger.QueuedStart q) {
        ledger.dequeueStart(q);
    }
}
