package com.drresponder.router;

import com.drresponder.common.Json;
import com.drresponder.incident.Severity;
import com.drresponder.playbook.CredentialResponseRequest;
import com.drresponder.playbook.InvalidRequestException;
import com.drresponder.playbook.RestoreRequest;
import com.drresponder.playbook.RollbackRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Operator requests ({@code drresponder.manual}), validated with the same rules as the CLI and playbooks. */
final class ManualRequestClassifier {

    Classification classify(EventEnvelope event) {
        JsonNode d = event.detail();
        String playbook = Json.text(d, "playbook");
        if (playbook == null) {
            return new Classification.Reject("playbook: is required (rollback-lambda-alias, restore-database-to-point-in-time, respond-to-credential-compromise)");
        }
        ObjectNode input = d.deepCopy();
        input.remove("playbook");
        String trigger = "manual:" + event.id();
        try {
            Severity severity = severity(Json.text(d, "severity"));
            return switch (playbook) {
                case RollbackRequest.PLAYBOOK -> {
                    RollbackRequest r = RollbackRequest.parse(d);
                    ProtectedResource res = ProtectedResource.lambdaAlias(event.region(), event.account(), r.functionName(), r.alias());
                    yield new Classification.Decision(playbook, res, severity, input, event.id(), trigger,
                            "Manual rollback of " + res.displayName(), true, r.dryRun());
                }
                case RestoreRequest.PLAYBOOK -> {
                    RestoreRequest r = RestoreRequest.parse(d);
                    String arn = "arn:aws:rds:" + event.region() + ":" + event.account()
                            + (r.clusterId() != null ? ":cluster:" : ":db:") + r.sourceId();
                    ProtectedResource res = new ProtectedResource(r.clusterId() != null ? "rds-cluster" : "rds-instance", arn, arn, r.sourceId());
                    yield new Classification.Decision(playbook, res, severity, input, event.id(), trigger,
                            "Manual " + r.mode() + " of " + r.sourceId() + " to " + r.restoreTime(), true, r.dryRun());
                }
                case CredentialResponseRequest.PLAYBOOK -> {
                    CredentialResponseRequest r = CredentialResponseRequest.parse(d);
                    String scope = r.tag() != null ? "tag:" + r.tag() : String.join(",", r.secretIds().stream().sorted().toList());
                    // Each secret's opt-in is checked by the playbook, which resolves the set.
                    ProtectedResource res = new ProtectedResource("secrets", "secrets:" + scope, null, scope);
                    yield new Classification.Decision(playbook, res, severity, input, event.id(), trigger,
                            "Manual credential response for " + scope, true, r.dryRun());
                }
                default -> new Classification.Reject("playbook: must be one of rollback-lambda-alias, "
                        + "restore-database-to-point-in-time, respond-to-credential-compromise, got \"" + playbook + "\"");
            };
        } catch (InvalidRequestException e) {
            return new Classification.Reject(e.getMessage());
        }
    }

    private static Severity severity(String value) {
        if (value == null) {
            return Severity.P3;
        }
        try {
            return Severity.valueOf(value.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("severity", "must be one of P1, P2, P3, P4, got \"" + value + "\"");
        }
    }
}
