package com.drresponder.router;

import com.drresponder.admission.Deployment;
import com.drresponder.admission.ProtectionPolicy;
import com.drresponder.admission.ResourceTags;
import com.drresponder.common.Json;
import com.drresponder.common.Settings;
import com.drresponder.guard.StartGuard;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.Ledger;
import com.drresponder.notify.Notification;
import com.drresponder.notify.Notifier;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns one event into at most one playbook execution. In order: classify, check opt-in, derive the
 * deterministic incident id, honour dry-run, take the resource lock, record the incident, pass the global
 * {@link StartGuard} (or queue behind it), start the playbook, notify. Every step is safe to repeat, because
 * EventBridge delivers at least once. The stack's schedule (a {@code Scheduled Event}) drains the guard's queue.
 */
public final class IncidentRouter {
    static final String ACTOR = "incident-router";

    private final Settings settings;
    private final EventClassifier classifier;
    private final ProtectionPolicy protection;
    private final Ledger ledger;
    private final Notifier notifier;
    private final PlaybookStarter starter;
    private final Clock clock;
    private final StartGuard guard;

    /** With a start guard refilled by {@code clock}. */
    public IncidentRouter(Settings settings, Deployment deployment, ResourceTags tags, RdsTopology topology, Ledger ledger, Notifier notifier,
            PlaybookStarter starter, Clock clock) {
        this(settings, deployment, tags, topology, ledger, notifier, starter, clock,
                new StartGuard(ledger, deployment.account(), deployment.region(), settings.mutatingStartsPerMinute(), clock));
    }

    public IncidentRouter(Settings settings, Deployment deployment, ResourceTags tags, RdsTopology topology, Ledger ledger, Notifier notifier,
            PlaybookStarter starter, Clock clock, StartGuard guard) {
        this.guard = guard;
        this.settings = settings;
        this.classifier = new EventClassifier(settings, deployment, tags, topology);
        this.protection = ProtectionPolicy.of(tags, settings);
        this.ledger = ledger;
        this.notifier = notifier;
        this.starter = starter;
        this.clock = clock;
    }

    public RouterResult route(String eventJson) {
        return EventEnvelope.parseThen(eventJson, this::route);
    }

    private RouterResult route(EventEnvelope event) {
        Classification classification = classifier.classify(event);
        return switch (classification) {
            case Classification.Reject r -> RouterResult.rejected(r.error());
            case Classification.Ignore i -> RouterResult.ignored(i.reason());
            // produced only for the alias-history recorder, which its own rule targets
            case Classification.RecordAliasChange r -> RouterResult.rejected("alias changes go to the alias-history recorder");
            case Classification.DrainStarts ignored -> drained(drain());
            case Classification.Decision d -> decide(d);
        };
    }

    private RouterResult decide(Classification.Decision d) {
        ProtectionPolicy.Verdict verdict = protection.check(d.resource());
        if (verdict.notProtectedBecause().isPresent()) {
            return RouterResult.ignored("not protected: " + verdict.notProtectedBecause().get());
        }
        String incidentId = ExecutionNames.of(d.playbook(), d.resource(), d.dedupeKey());
        boolean dryRun = settings.dryRun() || d.dryRunRequested() || verdict.dryRunTagged();
        ObjectNode input = playbookInput(d, incidentId, dryRun);
        if (!d.autoStart()) {
            return propose(d, incidentId, input);
        }
        if (dryRun) {
            return dryRun(d, incidentId, input);
        }
        Optional<RouterResult> seen = alreadyStarted(d, incidentId);
        if (seen.isPresent()) {
            return seen.get(); // checked before the lock: a late copy must not re-take the resource for a finished incident
        }
        Instant now = clock.instant();
        Ledger.LockResult lock = ledger.acquireLock(d.resource().lockKey(), incidentId, now, now.plus(settings.lockTtl()));
        if (!lock.acquired()) {
            ledger.append(lock.holder(), TimelineEntry.of(now, ACTOR, "Trigger joined", "joined",
                    d.summary() + " (" + d.trigger() + ") while this incident holds " + d.resource().displayName()));
            return result(RouterResult.Outcome.JOINED, lock.holder(), d, null, "resource is held by incident " + lock.holder());
        }
        Incident incident = newIncident(d, incidentId, input, IncidentStatus.OPENED, now);
        boolean opened = ledger.openIncident(incident);
        if (!opened) {
            Optional<RouterResult> raced = alreadyStarted(d, incidentId);
            if (raced.isPresent()) {
                releaseIfTakenForClosed(incident, lock.taken());
                return raced.get();
            }
            incident = ledger.incident(incidentId).orElse(incident); // a queued copy keeps its place: the first opening time
        } else {
            ledger.append(incidentId, TimelineEntry.of(now, ACTOR, "Incident opened", "opened", d.summary()));
        }
        String stateMachineArn = settings.stateMachineArn(d.playbook());
        if (!guard.startNow()) {
            return queue(incident, stateMachineArn, opened);
        }
        return start(incident, stateMachineArn, Json.write(input), lock.taken());
    }

    /**
     * No start token, or others wait already: the start waits in the ledger, in order, and this call drains what the
     * guard allows now (perhaps this very incident).
     */
    private RouterResult queue(Incident incident, String stateMachineArn, boolean firstTime) {
        guard.enqueue(incident, stateMachineArn);
        if (firstTime) {
            ledger.append(incident.id(), TimelineEntry.of(clock.instant(), ACTOR, "Start playbook " + incident.playbook(), "queued",
                    "The start guard allows " + guard.perMinute() + " mutating playbook starts a minute in " + guard.scope()
                            + "; this one starts when its turn comes (P1 first, then in order of opening)."));
        }
        drain();
        Incident now = ledger.incident(incident.id()).orElse(incident);
        if (now.executionArn() != null) {
            return result(RouterResult.Outcome.STARTED, incident, now.executionArn(), null);
        }
        return result(RouterResult.Outcome.QUEUED, incident, null, "waiting for the start guard (" + guard.perMinute() + " a minute)");
    }

    /** Starts waiting playbooks in order while the guard has tokens; returns the incidents started. */
    private List<String> drain() {
        List<String> started = new ArrayList<>();
        while (true) {
            List<Ledger.QueuedStart> head = guard.waiting(1);
            if (head.isEmpty()) {
                return started;
            }
            Ledger.QueuedStart next = head.get(0);
            Optional<Incident> incident = ledger.incident(next.incidentId()).filter(i -> i.executionArn() == null && i.status().isOpen());
            if (incident.isEmpty()) {
                guard.started(next); // started by another copy, or over: nothing waits any more
                continue;
            }
            Instant now = clock.instant();
            Ledger.LockResult lock = ledger.acquireLock(incident.get().resource(), next.incidentId(), now, now.plus(settings.lockTtl()));
            if (!lock.acquired()) {
                abandon(incident.get(), lock.holder(), now);
                guard.started(next);
                continue;
            }
            if (!guard.takeToken()) {
                return started;
            }
            start(incident.get(), next.stateMachineArn(), incident.get().input(), lock.taken());
            guard.started(next);
            started.add(next.incidentId());
        }
    }

    /** The lock lapsed while the start waited and another incident took the resource: that incident acts on it. */
    private void abandon(Incident incident, String holder, Instant now) {
        ledger.append(incident.id(), TimelineEntry.of(now, ACTOR, "Start playbook " + incident.playbook(), "not started",
                "While the start waited for the start guard, incident " + holder + " took " + incident.resource() + "; it acts instead."));
        ledger.append(holder, TimelineEntry.of(now, ACTOR, "Trigger joined", "joined", incident.summary() + " (queued incident " + incident.id() + ")"));
        ledger.updateStatus(incident.id(), IncidentStatus.ESCALATED, now);
    }

    private static RouterResult drained(List<String> started) {
        return new RouterResult(RouterResult.Outcome.DRAINED, null, null, null, null, "started " + started);
    }

    /** DUPLICATE when this incident's playbook was started already, or the incident is over. */
    private Optional<RouterResult> alreadyStarted(Classification.Decision d, String incidentId) {
        return ledger.incident(incidentId).filter(i -> i.executionArn() != null || !i.status().isOpen())
                .map(i -> result(RouterResult.Outcome.DUPLICATE, incidentId, d, i.executionArn(),
                        i.status().isOpen() ? "already started" : "incident is " + i.status()));
    }

    /**
     * A concurrent or late copy found the playbook started after it took the lock. A lock this call took (free or
     * lapsed) for an incident that is over would hold the resource for a dead incident: released. A running
     * playbook's lock, or one this call did not take, is left alone.
     */
    private void releaseIfTakenForClosed(Incident incident, boolean lockTaken) {
        if (lockTaken && ledger.incident(incident.id()).map(i -> !i.status().isOpen()).orElse(false)) {
            ledger.releaseLock(incident.resource(), incident.id());
        }
    }

    private RouterResult start(Incident incident, String stateMachineArn, String input, boolean lockTaken) {
        String incidentId = incident.id();
        String executionArn;
        try {
            executionArn = starter.start(stateMachineArn, incidentId, input);
        } catch (RuntimeException e) {
            Instant failedAt = clock.instant();
            ledger.append(incidentId, TimelineEntry.of(failedAt, ACTOR, "Start playbook " + incident.playbook(), "failed",
                    e.getClass().getSimpleName() + ": " + e.getMessage() + " (the event will be retried; lock released)"));
            ledger.releaseLock(incident.resource(), incidentId);
            throw e;
        }
        Instant at = clock.instant();
        if (!ledger.recordExecution(incidentId, executionArn, IncidentStatus.INVESTIGATING, at)) {
            // a concurrent delivery of the same event got there first; StartExecution returned its execution
            releaseIfTakenForClosed(incident, lockTaken);
            return result(RouterResult.Outcome.DUPLICATE, incident, executionArn, "already started");
        }
        ledger.append(incidentId, TimelineEntry.of(at, ACTOR, "Start playbook " + incident.playbook(), "started", executionArn));
        notifier.send(new Notification(incidentId, IncidentStatus.INVESTIGATING, incident.severity(), incident.playbook(), incident.resource(),
                incident.summary(), "Playbook " + incident.playbook() + " started on " + incident.resource() + ".",
                "The playbook will post each step; follow it with: drctl follow " + incidentId, List.of(executionArn)));
        return result(RouterResult.Outcome.STARTED, incident, executionArn, null);
    }

    private RouterResult dryRun(Classification.Decision d, String incidentId, ObjectNode input) {
        Instant now = clock.instant();
        if (!ledger.openIncident(newIncident(d, incidentId, input, IncidentStatus.DRY_RUN, now))) {
            return result(RouterResult.Outcome.DUPLICATE, incidentId, d, null, "dry run already recorded");
        }
        String plan = "Would start playbook " + d.playbook() + " on " + d.resource().displayName() + " with input " + Json.write(input);
        ledger.append(incidentId, TimelineEntry.of(now, ACTOR, "Dry run", "planned", plan));
        notifier.send(notification(d, incidentId, IncidentStatus.DRY_RUN, "Nothing was changed (dry run). " + plan,
                "To act, run the playbook without dryRun, or switch DR_MODE to enforce.", List.of()));
        return result(RouterResult.Outcome.DRY_RUN, incidentId, d, null, plan);
    }

    private RouterResult propose(Classification.Decision d, String incidentId, ObjectNode input) {
        Instant now = clock.instant();
        if (!ledger.openIncident(newIncident(d, incidentId, input, IncidentStatus.IDENTIFIED, now))) {
            return result(RouterResult.Outcome.DUPLICATE, incidentId, d, null, "incident already opened");
        }
        ObjectNode proposal = input.deepCopy();
        proposal.remove(List.of("incidentId", "lockKey", "dryRun"));
        String command = "Start " + d.playbook() + " with: " + Json.write(proposal);
        ledger.append(incidentId, TimelineEntry.of(now, ACTOR, "Incident opened", "awaiting operator", d.summary() + ". " + command));
        notifier.send(notification(d, incidentId, IncidentStatus.IDENTIFIED,
                "Nothing was changed: this event type does not start a recovery on its own.",
                "Review the database, then if a restore is wanted: " + command, List.of()));
        return result(RouterResult.Outcome.PROPOSED, incidentId, d, null, command);
    }

    private ObjectNode playbookInput(Classification.Decision d, String incidentId, boolean dryRun) {
        ObjectNode input = d.input().deepCopy();
        input.put("incidentId", incidentId);
        input.put("lockKey", d.resource().lockKey());
        input.put("severity", d.severity().name());
        input.put("dryRun", dryRun);
        return input;
    }

    private static Incident newIncident(Classification.Decision d, String id, ObjectNode input, IncidentStatus status, Instant now) {
        return new Incident(id, d.playbook(), d.resource().lockKey(), d.trigger(), d.severity(), status, null, d.summary(),
                Json.write(input), now, now);
    }

    private Notification notification(Classification.Decision d, String incidentId, IncidentStatus status, String done,
            String next, List<String> links) {
        return new Notification(incidentId, status, d.severity(), d.playbook(), d.resource().lockKey(), d.summary(), done, next, links);
    }

    private static RouterResult result(RouterResult.Outcome outcome, Incident incident, String executionArn, String reason) {
        return new RouterResult(outcome, incident.id(), incident.playbook(), incident.resource(), executionArn, reason);
    }

    private static RouterResult result(RouterResult.Outcome outcome, String incidentId, Classification.Decision d, String executionArn,
            String reason) {
        return new RouterResult(outcome, incidentId, d.playbook(), d.resource().lockKey(), executionArn, reason);
    }
}
