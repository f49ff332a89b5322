package com.drresponder.ledger;

import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The incident ledger: incidents, their timelines, and the per-resource locks. */
public interface Ledger {

    /** Writes a new incident; false (and nothing written) when one with that id exists already. */
    boolean openIncident(Incident incident);

    Optional<Incident> incident(String id);

    /**
     * Records the started execution and moves the incident to {@code status}, once: false if an execution is already
     * recorded (a concurrent delivery of the same event started it; StartExecution with the same name and input
     * returns the running execution), which then changes nothing.
     */
    boolean recordExecution(String incidentId, String executionArn, IncidentStatus status, Instant at);

    /** Moves the incident to {@code status}; false (nothing written) when it is terminal already. */
    boolean updateStatus(String incidentId, IncidentStatus status, Instant at);

    void append(String incidentId, TimelineEntry entry);

    /**
     * Appends a playbook step's entry once: {@code step} names the Task ({@code $$.State.Name}) and {@code stepEnteredAt}
     * its entry time, which every retry of the Task repeats, so a retry after a lost response, with the same entry,
     * leaves the timeline as it was. Entries that differ (parallel Map items entering one state at the same
     * millisecond) are both kept. Returns whether this call wrote the entry.
     */
    boolean appendOnce(String incidentId, String step, Instant stepEnteredAt, TimelineEntry entry);

    /** Oldest first. */
    List<TimelineEntry> timeline(String incidentId);

    /** Newest first. */
    List<Incident> recentIncidents(int limit);

    /**
     * Takes the lock on a resource for an incident, unless another live incident holds it.
     * An expired lock (TTL passed, item not yet swept by DynamoDB) counts as free.
     */
    LockResult acquireLock(String resource, String incidentId, Instant now, Instant expiresAt);

    /**
     * Heartbeat of a lease: moves the lock's expiry to {@code expiresAt} if {@code incidentId} holds it (never
     * shortens it, never takes a free lock). Returns whether the incident still holds the lock (a lock held for
     * an operator counts as held).
     */
    boolean renewLock(String resource, String incidentId, Instant now, Instant expiresAt);

    /**
     * Keeps the lock for an operator: it no longer expires, and neither the playbook's end nor the finaliser
     * releases it (a person must, see docs/CONTRACTS.md). False when {@code incidentId} does not hold it.
     */
    boolean holdLock(String resource, String incidentId, Instant at);

    /** Releases the lock only if {@code incidentId} holds it and it is not held for an operator; returns whether it did. */
    boolean releaseLock(String resource, String incidentId);

    /** The lock on a resource, if any (expired or not). */
    Optional<LockState> lock(String resource);

    /** A lock as stored: {@code expiresAt} is null when it is held for an operator. */
    record LockState(String incidentId, Instant expiresAt, boolean heldForOperator) {}

    /**
     * Claims the cooldown on {@code subject} (a secret or principal the credential playbook acts on) for
     * {@code incidentId} until {@code until}, with one conditional write: granted when there is none, it has run
     * out, or the incident holds it already. Returns the holder: {@code incidentId} when granted, else the other
     * incident and when its cooldown ends.
     */
    Cooldown claimCooldown(String subject, String incidentId, Instant now, Instant until);

    /** A cooldown as held: by which incident, until when. */
    record Cooldown(String incidentId, Instant until) {}

    /**
     * Remembers that the responder added {@code block.cidr()} to a WAF IP set, until when: the sweeper removes only
     * addresses recorded here. A record that exists already is only ever extended (a later incident blocking the same
     * address), never shortened.
     */
    void recordIpBlock(IpBlock block);

    /** The blocks the responder recorded for one IP set. */
    List<IpBlock> ipBlocks(String ipSetId);

    /** Forgets a block once removed from the set: only while it is still expired at {@code now} (false otherwise). */
    boolean removeIpBlock(String ipSetId, String cidr, Instant now);

    /** An address the responder blocked in an IP set, for an incident, until a time. */
    record IpBlock(String ipSetId, String cidr, String incidentId, Instant until) {}

    /**
     * Keeps the task token an approval step waits on. A token lets whoever holds it resume the playbook, so
     * it is kept apart from the incident and its timeline (which are printed and notified), for
     * {@code drctl approve|reject}, until {@code expiresAt}.
     */
    void putApprovalToken(String incidentId, String taskToken, Instant expiresAt);

    Optional<String> approvalToken(String incidentId);

    /** The decision was taken: the token is of no further use. */
    void deleteApprovalToken(String incidentId);

    /**
     * Keeps the task token a playbook's wait for an RDS resource holds ({@code resource}: {@code <SourceType>#<id>}, the
     * RDS event's spelling), with the check that tells when the resource is ready, for the RDS event that resumes it.
     * A bearer credential like the approval token: never on the timeline. One wait per resource; a later one replaces it.
     */
    void putRdsWait(RdsWait wait);

    Optional<RdsWait> rdsWait(String resource);

    /** The wait was resumed (or its token is stale): removed only while it still holds {@code taskToken}. */
    void deleteRdsWait(String resource, String taskToken);

    /** A task waiting until an RDS resource is ready; {@code check}: the poll step's input (JSON) that decides it. */
    record RdsWait(String resource, String taskToken, String incidentId, String check, Instant expiresAt) {}

    /** Remembers that an alias pointed at a version from a time on (deployments seen in CloudTrail, rollbacks). */
    void recordAliasChange(AliasChange change);

    /** Newest first. */
    List<AliasChange> aliasHistory(String aliasArn);

    /** A version that was rolled back from: never chosen as a rollback target again. */
    void markBadVersion(String functionArn, String version, String incidentId, Instant at);

    java.util.Set<String> badVersions(String functionArn);

    /**
     * The start guard's token bucket for a scope (account/region): tokens left, fractional while refilling, as of
     * {@code refilledAt}; {@code version} counts writes, so that two starts cannot spend the same token.
     */
    record Bucket(double tokens, Instant refilledAt, long version) {}

    Optional<Bucket> bucket(String scope);

    /** Writes {@code next} only if the stored bucket is still {@code seen} (null: none stored yet); false otherwise. */
    boolean replaceBucket(String scope, Bucket seen, Bucket next);

    /** A playbook start waiting for the start guard: started P1 first, then in the order the incidents opened. */
    record QueuedStart(String scope, com.drresponder.incident.Severity severity, Instant openedAt, String incidentId,
                       String stateMachineArn) {
        /** The queue's sort key: severity, then opening time (fixed width, so that it sorts as text), then the incident id. */
        public String order() {
            return severity.name() + "#" + String.format("%015d", openedAt.toEpochMilli()) + "#" + incidentId;
        }
    }

    /** Queues a start; queuing the same incident again changes nothing. */
    void enqueueStart(QueuedStart start);

    /** The first {@code limit} waiting starts of a scope, in start order. */
    List<QueuedStart> queuedStarts(String scope, int limit);

    void dequeueStart(QueuedStart start);

    /**
     * Outcome of {@link #acquireLock}: acquired, or held by {@code holder}. {@code taken}: this call took a free
     * (or expired) lock, as opposed to finding it held by the same incident already.
     */
    record LockResult(boolean acquired, String holder, boolean taken) {
        public static LockResult granted(String incidentId) {
            return new LockResult(true, incidentId, true);
        }

        public static LockResult alreadyHeld(String incidentId) {
            return new LockResult(true, incidentId, false);
        }

        public static LockResult heldBy(String holder) {
            return new LockResult(false, holder, false);
        }
    }
}
