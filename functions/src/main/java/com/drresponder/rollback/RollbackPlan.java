package com.drresponder.rollback;

/**
 * The decision of the planner, handed to the state machine.
 *
 * @param action     {@code rollback} (point the alias at {@code toVersion}), {@code clear-weights}
 *                   (end a weighted rollout: all traffic to the primary version), {@code escalate}
 *                   (no safe candidate: change nothing, call a person) or {@code applied} (a re-plan found the
 *                   alias already as the previous plan meant to leave it: record that plan's change, do nothing) or
 *                   {@code ignore} (the alarm that started it is stale, {@link TriggerFreshness}: record why, change nothing)
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
    static final String IGNORE = "ignore";

    /** The command that points the alias back where this plan found it: on the timeline before the change and after it. */
    @com.fasterxml.jackson.annotation.JsonProperty("undo")
    public String undo() {
        return "aws lambda update-alias --function-name " + functionName + " --name " + alias + " --function-version " + fromVersion;
    }

    /**
     * How to undo stopping an in-flight CodeDeploy deployment of this alias with rollback: redeploy the version it was
     * on. On the timeline before the stop (the write-ahead record) and after it; not a JSON property of every plan.
     */
    public String codeDeployUndo() {
        return "redeploy through CodeDeploy (aws deploy create-deployment) once the fault in version " + fromVersion + " is fixed";
    }

    /** The write-ahead text: the change about to be made. */
    @com.fasterxml.jackson.annotation.JsonProperty("intent")
    public String intent() {
        return fromVersion != null && fromVersion.equals(toVersion)
                ? "Ending the weighted rollout of version " + badVersion + " on " + functionName + ":" + alias + ": all traffic to " + toVersion
                : "Pointing " + functionName + ":" + alias + " from version " + fromVersion + " to " + toVersion + " (" + reason + ")";
    }

    static RollbackPlan ignore(AliasState state, String functionName, String alias, String reason) {
        return new RollbackPlan(IGNORE, functionName, alias, state.aliasArn(), state.functionVersion(), null, null, null, null, reason);
    }

    static RollbackPlan escalate(String functionName, String alias, String aliasArn, String fromVersion, String reason) {
        return new RollbackPlan(ESCALATE, functionName, alias, aliasArn, fromVersion, null, null, null, null, reason);
    }
}
