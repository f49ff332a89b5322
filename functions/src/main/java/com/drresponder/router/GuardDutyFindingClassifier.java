package com.drresponder.router;

import com.drresponder.admission.Deployment;
import com.drresponder.admission.ProtectedResource;
import com.drresponder.common.Json;
import com.drresponder.incident.Severity;
import com.drresponder.playbook.CredentialResponseRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * GuardDuty findings at or above the configured severity, for the finding families we can answer:
 * compromised IAM credentials (deactivate the key, rotate what the principal can read) and anomalous
 * RDS logins (rotate that database's secrets). Which of those actions a finding type gets is the
 * deployment's {@link FindingActions}; hostile IPs named in the finding are passed on for the WAF IP set
 * when its actions include {@code block-ip}. {@code deployment}: findings reach this classifier only when they are
 * about its account and region.
 */
record GuardDutyFindingClassifier(Deployment deployment, double minSeverity, FindingActions findingActions) {
    Classification classify(EventEnvelope event) {
        JsonNode d = event.detail();
        String type = Json.text(d, "type");
        String findingId = Json.text(d, "id");
        JsonNode severityNode = d.get("severity");
        if (type == null || findingId == null || severityNode == null || !severityNode.isNumber()) {
            return new Classification.Reject("GuardDuty finding has no type, id or numeric severity");
        }
        double severity = severityNode.asDouble();
        if (severity < minSeverity) {
            return new Classification.Ignore("finding " + type + " has severity " + severity + ", below the threshold " + minSeverity);
        }
        Set<String> configured = findingActions.forType(type);
        if (configured.isEmpty()) {
            return new Classification.Ignore("finding type " + type + " has no findingActions entry");
        }
        JsonNode resource = d.path("resource");
        String resourceType = Json.text(resource, "resourceType");
        ObjectNode input = Json.object()
                .put("findingId", findingId)
                .put("findingType", type)
                .put("severity", severity)
                .put("reason", "GuardDuty " + type + " (severity " + severity + ")");
        ArrayNode ips = input.putArray("blockIps");
        if (configured.contains(FindingActions.BLOCK_IP)) {
            remoteIps(d.path("service").path("action")).forEach(ips::add);
        }
        ProtectedResource target;
        if (type.contains(":IAMUser/") && "AccessKey".equals(resourceType)) {
            JsonNode key = resource.path("accessKeyDetails");
            String user = Json.text(key, "userName");
            if (user == null) {
                return new Classification.Reject("IAM finding " + findingId + " has no resource.accessKeyDetails.userName");
            }
            boolean role = "AssumedRole".equals(Json.text(key, "userType")) || "Role".equals(Json.text(key, "userType"));
            ProtectedResource principal = ProtectedResource.iamPrincipal(deployment, role, user);
            input.putObject("principal").put("arn", principal.taggedArn()).put("userName", user)
                    .put("userType", Json.text(key, "userType")).put("accessKeyId", Json.text(key, "accessKeyId"));
            actions(input, configured, "deactivate-access-key", "rotate-principal-secrets");
            target = principal;
        } else if (type.startsWith("CredentialAccess:RDS/") && "RDSDBInstance".equals(resourceType)) {
            JsonNode db = resource.path("rdsDbInstanceDetails");
            String cluster = Json.text(db, "dbClusterIdentifier");
            String instance = Json.text(db, "dbInstanceIdentifier");
            if (cluster == null && instance == null) {
                return new Classification.Reject("RDS finding " + findingId + " names no DB cluster or instance");
            }
            ProtectedResource database = ProtectedResource.rdsDatabase(deployment, cluster != null, cluster != null ? cluster : instance);
            input.putObject("database").put("arn", database.taggedArn()).put("clusterId", cluster).put("instanceId", instance)
                    .put("user", Json.text(resource.path("rdsDbUserDetails"), "user"));
            actions(input, configured, null, "rotate-database-secrets");
            target = database;
        } else {
            return new Classification.Ignore("finding type " + type + " on " + resourceType + " has no mapped response");
        }
        // A finding is updated in place as it recurs; its occurrence count tells a new sighting from a re-delivery.
        String occurrence = findingId + "#" + d.path("service").path("count").asText("1");
        return new Classification.Decision(CredentialResponseRequest.PLAYBOOK, target, Severity.fromGuardDuty(severity), input,
                occurrence, "guardduty:" + type, "GuardDuty " + type + " on " + target.displayName(), true, false);
    }

    /** The playbook's actions for the configured ones; {@code notify} needs none (every incident notifies). */
    private static void actions(ObjectNode input, Set<String> configured, String revoke, String rotate) {
        ArrayNode actions = input.putArray("actions");
        if (revoke != null && configured.contains(FindingActions.REVOKE_CREDENTIALS)) {
            actions.add(revoke);
        }
        if (configured.contains(FindingActions.ROTATE_SECRETS)) {
            actions.add(rotate);
        }
        if (configured.contains(FindingActions.BLOCK_IP)) {
            actions.add("block-ips");
        }
    }

    private static Set<String> remoteIps(JsonNode action) {
        Set<String> ips = new LinkedHashSet<>();
        action.forEach(kind -> {
            for (String family : new String[] {"ipAddressV4", "ipAddressV6"}) {
                String ip = Json.text(kind.path("remoteIpDetails"), family);
                if (ip != null) {
                    ips.add(ip);
                }
            }
        });
        return ips;
    }
}
