package com.drresponder.router;

/** What the router did with one event, returned to the caller and logged. */
public record RouterResult(Outcome outcome, String incidentId, String playbook, String resource, String executionArn, String reason) {

    public enum Outcome {
        /** A playbook execution was started. */
        STARTED,
        /** The same occurrence was seen before: nothing new started. */
        DUPLICATE,
        /** Another incident holds the resource: this trigger was added to its timeline. */
        JOINED,
        /** Dry run: the plan was recorded, nothing started. */
        DRY_RUN,
        /** An incident was opened with a proposed input for a person to run; nothing started. */
        PROPOSED,
        /** The start guard had no token (or others waited): the start waits in the ledger, in order. */
        QUEUED,
        /** The scheduled drain of the start guard's queue ran (reason: which incidents it started). */
        DRAINED,
        /** A fact was recorded (alias history, by the alias-history recorder); no incident. */
        RECORDED,
        IGNORED,
        REJECTED
    }

    static RouterResult ignored(String reason) {
        return new RouterResult(Outcome.IGNORED, null, null, null, null, reason);
    }

    static RouterResult rejected(String error) {
        return new RouterResult(Outcome.REJECTED, null, null, null, null, error);
    }
}
