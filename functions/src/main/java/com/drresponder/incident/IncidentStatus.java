package com.drresponder.incident;

/**
 * Lifecycle of an incident as communicated to people (the runbooks' status page words), plus the
 * states only the responder needs: OPENED (written, playbook not yet started), DRY_RUN, and IGNORED (the trigger was
 * stale when the playbook judged it: recorded why, nothing changed).
 */
public enum IncidentStatus {
    OPENED, INVESTIGATING, IDENTIFIED, MITIGATED, MONITORING, RESOLVED, ESCALATED, FAILED, DRY_RUN, IGNORED;

    public boolean isOpen() {
        return this == OPENED || this == INVESTIGATING || this == IDENTIFIED || this == MITIGATED || this == MONITORING;
    }

    /** The incident is over: no status update, late trigger or retried start moves it back. */
    public boolean isTerminal() {
        return this == RESOLVED || this == ESCALATED || this == FAILED || this == IGNORED;
    }
}
