package com.drresponder.rollback;

import com.drresponder.ledger.AliasChange;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the last known-good version of an alias. Pure logic: the caller reads Lambda and the ledger.
 * <ol>
 *   <li>A weighted rollout in progress: send all traffic back to the primary version.</li>
 *   <li>An operator's explicit target, if it exists and is not the current version.</li>
 *   <li>History: the version the alias pointed at before the current one (deployments seen through
 *       CloudTrail, earlier rollbacks).</li>
 *   <li>Fallback: the highest published version below the current one.</li>
 * </ol>
 * Never $LATEST, never a deleted version, never a version rolled back from before. No candidate, or a
 * guardrail hit: escalate and change nothing.
 */
public final class RollbackPlanner {
    private final RollbackGuardrails guardrails;

    public RollbackPlanner(RollbackGuardrails guardrails) {
        this.guardrails = guardrails;
    }

    public RollbackPlan plan(String functionName, String alias, AliasState state, List<AliasChange> history, Set<String> badVersions,
            Optional<String> requested, Optional<String> expectedFromVersion, Instant now) {
        String current = state.functionVersion();
        if (expectedFromVersion.isPresent() && !expectedFromVersion.get().equals(current)) {
            return escalate(functionName, alias, state, "alias " + alias + " was changed by someone else during the rollback (from "
                    + expectedFromVersion.get() + " to " + current + "); not touching it");
        }
        // An operator's targetVersion is held to the same cooldown and rate limit: a request is no way around them.
        Optional<String> guardrail = guardrailHit(history, now);
        if (guardrail.isPresent()) {
            return escalate(functionName, alias, state, guardrail.get());
        }
        if (!state.weights().isEmpty()) {
            String canary = state.weights().keySet().iterator().next();
            return new RollbackPlan(RollbackPlan.CLEAR_WEIGHTS, functionName, alias, state.aliasArn(), current, current, state.revisionId(),
                    canary, "weighted-rollout", "weighted rollout of version " + canary + " in progress: all traffic back to " + current);
        }
        if (requested.isPresent()) {
            return requested(functionName, alias, state, badVersions, requested.get());
        }
        Optional<String> fromHistory = history.stream()
                .sorted(Comparator.comparing(AliasChange::at).reversed())
                .map(AliasChange::version)
                .filter(v -> !v.equals(current))
                .filter(v -> eligible(v, state, badVersions))
                .findFirst();
        if (fromHistory.isPresent()) {
            return rollback(functionName, alias, state, fromHistory.get(), "history",
                    "alias history: version " + fromHistory.get() + " served before " + current);
        }
        if (!isNumber(current)) {
            return escalate(functionName, alias, state, "alias points at " + current
                    + " and no earlier version is recorded in its history; refusing to guess");
        }
        long currentNumber = Long.parseLong(current);
        Optional<String> fallback = state.versions().stream()
                .filter(RollbackPlanner::isNumber)
                .filter(v -> Long.parseLong(v) < currentNumber)
                .filter(v -> eligible(v, state, badVersions))
                .max(Comparator.comparingLong(Long::parseLong));
        return fallback.map(v -> rollback(functionName, alias, state, v, "fallback",
                        "no usable alias history: highest published version below " + current))
                .orElseGet(() -> escalate(functionName, alias, state, "no published version below " + current
                        + " that exists and was not rolled back from before " + describe(badVersions)));
    }

    /**
     * After a RevisionId conflict: did our own update take effect? When Lambda applied UpdateAlias but the
     * answer was lost (a 5xx, a timeout), the retry carries a RevisionId that the update itself made stale.
     * If the alias is now exactly where {@code previous} meant to put it (its version, no weights), the
     * change is ours (or the same one): report it as {@code applied}, so the playbook records it and verifies,
     * instead of mistaking it for someone else's change or stepping the alias back a second time.
     */
    public Optional<RollbackPlan> alreadyApplied(RollbackPlan previous, AliasState state) {
        boolean meantToChange = RollbackPlan.ROLLBACK.equals(previous.action()) || RollbackPlan.CLEAR_WEIGHTS.equals(previous.action());
        if (!meantToChange || !state.weights().isEmpty() || !state.functionVersion().equals(previous.toVersion())) {
            return Optional.empty();
        }
        return Optional.of(new RollbackPlan(RollbackPlan.APPLIED, previous.functionName(), previous.alias(), previous.aliasArn(),
                previous.fromVersion(), previous.toVersion(), state.revisionId(), previous.badVersion(), previous.source(),
                previous.reason() + "; the update took effect though its answer was lost (found when re-planning)"));
    }

    private RollbackPlan requested(String functionName, String alias, AliasState state, Set<String> badVersions, String target) {
        if (target.equals(state.functionVersion())) {
            return escalate(functionName, alias, state, "alias " + alias + " already points at the requested version " + target);
        }
        if (!state.versions().contains(target)) {
            return escalate(functionName, alias, state, "requested version " + target + " does not exist (published: "
                    + String.join(", ", state.versions()) + ")");
        }
        if (badVersions.contains(target)) {
            return escalate(functionName, alias, state, "requested version " + target + " was rolled back from before (a bad version); "
                    + "refusing to point " + alias + " at it");
        }
        return rollback(functionName, alias, state, target, "requested", "requested by an operator");
    }

    private Optional<String> guardrailHit(List<AliasChange> history, Instant now) {
        List<AliasChange> rollbacks = history.stream().filter(c -> "rollback".equals(c.source())).toList();
        Optional<AliasChange> last = rollbacks.stream().max(Comparator.comparing(AliasChange::at));
        if (last.isPresent() && last.get().at().isAfter(now.minus(guardrails.cooldown()))) {
            return Optional.of("cooldown: the alias was rolled back at " + last.get().at() + ", less than "
                    + guardrails.cooldown().toMinutes() + " minutes ago");
        }
        long lastHour = rollbacks.stream().filter(c -> c.at().isAfter(now.minus(Duration.ofHours(1)))).count();
        if (lastHour >= guardrails.maxPerHour()) {
            return Optional.of("rate limit: " + lastHour + " automatic rollbacks in the last hour (maximum " + guardrails.maxPerHour() + ")");
        }
        return Optional.empty();
    }

    private static boolean eligible(String version, AliasState state, Set<String> badVersions) {
        return isNumber(version) && state.versions().contains(version) && !badVersions.contains(version);
    }

    private static boolean isNumber(String version) {
        return version != null && version.matches("\\d+");
    }

    private static RollbackPlan rollback(String fn, String alias, AliasState state, String to, String source, String reason) {
        return new RollbackPlan(RollbackPlan.ROLLBACK, fn, alias, state.aliasArn(), state.functionVersion(), to, state.revisionId(),
                state.functionVersion(), source, reason);
    }

    private static RollbackPlan escalate(String fn, String alias, AliasState state, String reason) {
        return RollbackPlan.escalate(fn, alias, state.aliasArn(), state.functionVersion(), reason);
    }

    private static String describe(Set<String> bad) {
        return bad.isEmpty() ? "" : "(rolled back from before: " + String.join(", ", bad.stream().sorted().toList()) + ")";
    }
}
