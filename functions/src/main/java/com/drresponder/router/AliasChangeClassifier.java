package com.drresponder.router;

import com.drresponder.admission.Deployment;
import com.drresponder.admission.ProtectedResource;
import com.drresponder.common.Json;
import com.drresponder.ledger.AliasChange;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * CloudTrail UpdateAlias / CreateAlias calls: each successful one is a deployment, remembered as alias
 * history so the rollback planner knows which version the alias pointed at before the bad one.
 */
final class AliasChangeClassifier {
    private final Deployment deployment;

    AliasChangeClassifier(Deployment deployment) {
        this.deployment = deployment;
    }

    Classification classify(EventEnvelope event) {
        JsonNode d = event.detail();
        String eventName = Json.text(d, "eventName");
        if (eventName == null || !(eventName.startsWith("UpdateAlias") || eventName.startsWith("CreateAlias"))) {
            return new Classification.Ignore("CloudTrail call " + eventName + " is not an alias change");
        }
        if (Json.text(d, "errorCode") != null) {
            return new Classification.Ignore(eventName + " failed (" + Json.text(d, "errorCode") + "): the alias did not change");
        }
        JsonNode response = d.path("responseElements");
        String aliasArn = Json.text(response, "aliasArn");
        String version = Json.text(response, "functionVersion");
        if (aliasArn == null || version == null || aliasArn.split(":").length != 8) {
            return new Classification.Reject(eventName + " event has no responseElements.aliasArn / functionVersion");
        }
        Instant at;
        try {
            at = Instant.parse(Json.text(d, "eventTime") == null ? event.time() : Json.text(d, "eventTime"));
        } catch (DateTimeParseException e) {
            return new Classification.Reject(eventName + " event has an unreadable eventTime");
        }
        String[] parts = aliasArn.split(":");
        String foreign = deployment.foreignBecause(parts[4], parts[3]);
        if (foreign != null) {
            return new Classification.Ignore("alias " + aliasArn + ": " + foreign);
        }
        ProtectedResource resource = ProtectedResource.lambdaAlias(deployment, parts[6], parts[7]);
        return new Classification.RecordAliasChange(resource, new AliasChange(resource.lockKey(), version, at, "cloudtrail"));
    }
}
