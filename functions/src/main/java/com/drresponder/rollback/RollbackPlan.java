package com.drresponder.rollback;

/**
 * The decision of the planner, handed to the state machine.
 *
 * @param action     {@code rollback} (point the alias at {@code toVersion}), {@code clear-weights}
 *                   (end a weighted rollout: all traffic to the primary version), {@code escalate}
 *                   (no safe candidate: change nothing, call a person) or {@code applied} (a re-plan found the
 *                   alias already as the previous plan meant to leave it: record that plan's change, do nothing)
 * @param badVersion the version being rolled back from, remembered so it is never chosen again
 * @param source     why this target: history, fallback (highest published version below), requested, weighted-rollout
 */
public record RollbackPlan(
        String action,
        String functionName,
        String alias,
        String aliasArn,
        String fromVersion,
        String toVersion,
        String revisionId,
        String badVersion,
        String source,
        String reason) {

    static final String ROLLBACK = "rollback";
    static final String CLEAR_WEIGHTS = "clear-weights";
    static final String ESCALATE = "escalate";
    static final String APPLIED = "applied";

    static RollbackPlan escalate(String functionName, String alias, String aliasArn, String fromVersion, String reason) {
        return new RollbackPlan(ESCALATE, functionName, alias, aliasArn, fromVersion, null, null, null, null, reason);
    }
}
