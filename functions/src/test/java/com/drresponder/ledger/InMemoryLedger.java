package com.drresponder.ledger;

import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** In-memory {@link Ledger} with the same conditional semantics as {@link DynamoDbLedger}, for unit tests. */
public final class InMemoryLedger implements Ledger {
    private final Map<String, Incident> incidents = new LinkedHashMap<>();
    private final Map<String, List<TimelineEntry>> timelines = new ConcurrentHashMap<>();
    private final Map<String, Lock> locks = new ConcurrentHashMap<>();

    /** {@code expiresAt} null: held for an operator. */
    private record Lock(String incidentId, Instant expiresAt) {}

    private final Map<String, Cooldown> cooldowns = new ConcurrentHashMap<>();
    private final Map<String, IpBlock> ipBlocks = new LinkedHashMap<>();

    @Override
    public synchronized void recordIpBlock(IpBlock block) {
        IpBlock held = ipBlocks.get(block.ipSetId() + "#" + block.cidr());
        if (held == null || held.until().isBefore(block.until())) {
            ipBlocks.put(block.ipSetId() + "#" + block.cidr(), block);
        }
    }

    @Override
    public synchronized List<IpBlock> ipBlocks(String ipSetId) {
        return ipBlocks.values().stream().filter(b -> b.ipSetId().equals(ipSetId)).toList();
    }

    @Override
    public synchronized boolean removeIpBlock(String ipSetId, String cidr, Instant now) {
        IpBlock held = ipBlocks.get(ipSetId + "#" + cidr);
        if (held == null || !held.until().isBefore(now)) {
            return false;
        }
        ipBlocks.remove(ipSetId + "#" + cidr);
        return true;
    }

    @Override
    public synchronized Cooldown claimCooldown(String subject, String incidentId, Instant now, Instant until) {
        Cooldown held = cooldowns.get(subject);
        if (held != null && !held.incidentId().equals(incidentId) && !held.until().isBefore(now)) {
            return held;
        }
        Cooldown mine = new Cooldown(incidentId, until);
        cooldowns.put(subject, mine);
        return mine;
    }

    @Override
    public synchronized boolean openIncident(Incident incident) {
        return incidents.putIfAbsent(incident.id(), incident) == null;
    }

    @Override
    public synchronized Optional<Incident> incident(String id) {
        return Optional.ofNullable(incidents.get(id));
    }

    @Override
    public synchronized boolean recordExecution(String incidentId, String executionArn, IncidentStatus status, Instant at) {
        Incident existing = incidents.get(incidentId);
        if (existing == null || existing.executionArn() != null) {
            return false;
        }
        incidents.put(incidentId, existing.withExecution(executionArn, status, at));
        return true;
    }

    @Override
    public synchronized boolean updateStatus(String incidentId, IncidentStatus status, Instant at) {
        Incident existing = incidents.get(incidentId);
        if (existing == null) {
            throw new IllegalStateException("no incident " + incidentId);
        }
        if (existing.status().isTerminal()) {
            return false;
        }
        incidents.put(incidentId, existing.withStatus(status, at));
        return true;
    }

    @Override
    public synchronized void append(String incidentId, TimelineEntry entry) {
        timelines.computeIfAbsent(incidentId, k -> new ArrayList<>()).add(entry);
    }

    private final java.util.Set<List<Object>> appendedSteps = new java.util.HashSet<>();

    @Override
    public synchronized boolean appendOnce(String incidentId, String step, Instant stepEnteredAt, TimelineEntry entry) {
        // the entry's content without its time, as DynamoDbLedger's key digest
        if (!appendedSteps.add(java.util.Arrays.asList(incidentId, step, stepEnteredAt, entry.actor(), entry.action(), entry.outcome(),
                entry.detail(), entry.undo()))) {
            return false;
        }
        append(incidentId, entry);
        return true;
    }

    @Override
    public synchronized List<TimelineEntry> timeline(String incidentId) {
        return List.copyOf(timelines.getOrDefault(incidentId, List.of()));
    }

    @Override
    public synchronized List<Incident> recentIncidents(int limit) {
        return incidents.values().stream().sorted(Comparator.comparing(Incident::createdAt).reversed()).limit(limit).toList();
    }

    @Override
    public synchronized LockResult acquireLock(String resource, String incidentId, Instant now, Instant expiresAt) {
        Lock held = locks.get(resource);
        if (held != null && held.incidentId().equals(incidentId)) {
            if (held.expiresAt() != null) {
                locks.put(resource, new Lock(incidentId, expiresAt));
            }
            return LockResult.alreadyHeld(incidentId);
        }
        if (held != null && (held.expiresAt() == null || held.expiresAt().isAfter(now))) {
            return LockResult.heldBy(held.incidentId());
        }
        locks.put(resource, new Lock(incidentId, expiresAt));
        return LockResult.granted(incidentId);
    }

    @Override
    public synchronized boolean renewLock(String resource, String incidentId, Instant now, Instant expiresAt) {
        Lock held = locks.get(resource);
        if (held == null || !held.incidentId().equals(incidentId)) {
            return false;
        }
        if (held.expiresAt() != null && held.expiresAt().isBefore(expiresAt)) {
            locks.put(resource, new Lock(incidentId, expiresAt));
        }
        return true;
    }

    @Override
    public synchronized boolean holdLock(String resource, String incidentId, Instant at) {
        Lock held = locks.get(resource);
        if (held == null || !held.incidentId().equals(incidentId)) {
            return false;
        }
        locks.put(resource, new Lock(incidentId, null));
        return true;
    }

    @Override
    public synchronized boolean releaseLock(String resource, String incidentId) {
        Lock held = locks.get(resource);
        if (held == null || !held.incidentId().equals(incidentId) || held.expiresAt() == null) {
            return false;
        }
        locks.remove(resource);
        return true;
    }

    @Override
    public synchronized Optional<LockState> lock(String resource) {
        return Optional.ofNullable(locks.get(resource)).map(l -> new LockState(l.incidentId(), l.expiresAt(), l.expiresAt() == null));
    }

    private final List<AliasChange> aliasChanges = new ArrayList<>();
    private final Map<String, java.util.Set<String>> badVersions = new ConcurrentHashMap<>();

    @Override
    public synchronized void recordAliasChange(AliasChange change) {
        aliasChanges.add(change);
    }

    @Override
    public synchronized List<AliasChange> aliasHistory(String aliasArn) {
        return aliasChanges.stream().filter(c -> c.aliasArn().equals(aliasArn))
                .sorted(Comparator.comparing(AliasChange::at).reversed()).toList();
    }

    @Override
    public synchronized void markBadVersion(String functionArn, String version, String incidentId, Instant at) {
        badVersions.computeIfAbsent(functionArn, k -> new java.util.HashSet<>()).add(version);
    }

    @Override
    public synchronized java.util.Set<String> badVersions(String functionArn) {
        return java.util.Set.copyOf(badVersions.getOrDefault(functionArn, java.util.Set.of()));
    }

    private final Map<String, String> approvalTokens = new java.util.HashMap<>();

    @Override
    public synchronized void putApprovalToken(String incidentId, String taskToken, Instant expiresAt) {
        approvalTokens.put(incidentId, taskToken);
    }

    @Override
    public synchronized Optional<String> approvalToken(String incidentId) {
        return Optional.ofNullable(approvalTokens.get(incidentId));
    }

    @Override
    public synchronized void deleteApprovalToken(String incidentId) {
        approvalTokens.remove(incidentId);
    }

    private final Map<String, RdsWait> rdsWaits = new java.util.HashMap<>();

    @Override
    public synchronized void putRdsWait(RdsWait wait) {
        rdsWaits.put(wait.resource(), wait);
    }

    @Override
    public synchronized Optional<RdsWait> rdsWait(String resource) {
        return Optional.ofNullable(rdsWaits.get(resource));
    }

    @Override
    public synchronized void deleteRdsWait(String resource, String taskToken) {
        rdsWaits.computeIfPresent(resource, (k, w) -> w.taskToken().equals(taskToken) ? null : w);
    }

    public synchronized Optional<String> lockHolder(String resource) {
        return Optional.ofNullable(locks.get(resource)).map(Lock::incidentId);
    }

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final java.util.TreeMap<String, QueuedStart> queue = new java.util.TreeMap<>();

    @Override
    public synchronized Optional<Bucket> bucket(String scope) {
        return Optional.ofNullable(buckets.get(scope));
    }

    @Override
    public synchronized boolean replaceBucket(String scope, Bucket seen, Bucket next) {
        Bucket stored = buckets.get(scope);
        if (seen == null ? stored != null : stored == null || stored.version() != seen.version()) {
            return false;
        }
        buckets.put(scope, next);
        return true;
    }

    @Override
    public synchronized void enqueueStart(QueuedStart start) {
        queue.put(start.scope() + "|" + start.order(), start);
    }

    @Override
    public synchronized List<QueuedStart> queuedStarts(String scope, int limit) {
        return queue.values().stream().filter(q -> q.scope().equals(scope)).limit(limit).toList();
    }

    @Override
    public synchronized void dequeueStart(QueuedStart start) {
        queue.remove(start.scope() + "|" + start.order());
    }
}
