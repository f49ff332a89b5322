package com.drresponder.router;

import com.drresponder.admission.ManualRequests;
import com.drresponder.common.Json;
import com.drresponder.playbook.InvalidRequestException;

/**
 * Operator requests ({@code drresponder.manual} on the stack's manual bus), admitted by {@link ManualRequests}:
 * the same schema and canonical resource a playbook's first step checks for a direct StartExecution.
 */
final class ManualRequestClassifier {
    private final ManualRequests requests;

    ManualRequestClassifier(ManualRequests requests) {
        this.requests = requests;
    }

    Classification classify(EventEnvelope event) {
        String playbook = Json.text(event.detail(), "playbook");
        if (playbook == null) {
            return new Classification.Reject("playbook: is required (rollback-lambda-alias, restore-database-to-point-in-time, respond-to-credential-compromise, fail-over-database)");
        }
        try {
            ManualRequests.Admitted a = requests.admit(playbook, event.detail(), ManualRequests.Channel.EVENT);
            return new Classification.Decision(playbook, a.resource(), a.severity(), a.input(), event.id(), "manual:" + event.id(),
                    a.summary(), true, a.dryRun());
        } catch (InvalidRequestException e) {
            return new Classification.Reject(e.getMessage());
        }
    }
}
