package com.drresponder.router;

import com.drresponder.admission.ProtectedResource;
import com.drresponder.incident.Severity;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the router makes of one event: act on it, ignore it (with the reason), or reject it as malformed. */
public sealed interface Classification {

    /**
     * Run {@code playbook} on {@code resource}.
     *
     * @param dedupeKey   identifies the triggering occurrence: the same key means the same incident
     * @param autoStart   false when the event only opens an incident and proposes the input (RDS events
     *                    not configured to restore on their own)
     * @param dryRunRequested the request itself asked for a dry run
     */
    record Decision(
            String playbook,
            ProtectedResource resource,
            Severity severity,
            ObjectNode input,
            String dedupeKey,
            String trigger,
            String summary,
            boolean autoStart,
            boolean dryRunRequested) implements Classification {}

    /** A fact to remember, not an incident: an alias now points at a new version. */
    record RecordAliasChange(ProtectedResource resource, com.drresponder.ledger.AliasChange change) implements Classification {}

    /** The stack's schedule: start what waits for the start guard, as far as it allows. */
    record DrainStarts() implements Classification {}

    record Ignore(String reason) implements Classification {}

    record Reject(String error) implements Classification {}
}
