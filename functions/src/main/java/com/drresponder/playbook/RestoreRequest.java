package com.drresponder.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Manual input of the restore-database-to-point-in-time playbook. */
public record RestoreRequest(
        String clusterId,
        String instanceId,
        String restoreTime,
        String targetId,
        String instanceClass,
        String cutover,
        boolean approval,
        String mode,
        boolean dryRun,
        String reason) {
    public static final String PLAYBOOK = "restore-database-to-point-in-time";
    static final Pattern DB_IDENTIFIER = Pattern.compile("[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)");
    static final Pattern INSTANCE_CLASS = Pattern.compile("db\\.[a-z0-9]+(\\.[a-z0-9]+)?");
    static final String IDENTIFIER_RULE = "an RDS identifier (a letter, then letters, digits and single hyphens, at most 63)";

    public static RestoreRequest parse(JsonNode node) {
        String cluster = RequestFields.optional(node, "clusterId", DB_IDENTIFIER, IDENTIFIER_RULE);
        String instance = RequestFields.optional(node, "instanceId", DB_IDENTIFIER, IDENTIFIER_RULE);
        if ((cluster == null) == (instance == null)) {
            throw new InvalidRequestException("clusterId", "give exactly one of clusterId (Aurora) or instanceId (RDS instance)");
        }
        String mode = RequestFields.oneOf(node, "mode", "restore", "restore", "drill");
        String restoreTime = RequestFields.optional(node, "restoreTime", null, "\"latest\" or an ISO-8601 instant such as 2026-11-22T03:00:00Z");
        if (restoreTime == null) {
            if (!"drill".equals(mode)) {
                throw new InvalidRequestException("restoreTime", "is required: \"latest\" or an ISO-8601 instant such as 2026-11-22T03:00:00Z");
            }
            restoreTime = "latest";
        }
        if (!"latest".equals(restoreTime)) {
            try {
                Instant.parse(restoreTime);
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException("restoreTime", "must be \"latest\" or an ISO-8601 instant such as 2026-11-22T03:00:00Z, got \"" + restoreTime + "\"");
            }
        }
        return new RestoreRequest(cluster, instance, restoreTime,
                RequestFields.optional(node, "targetId", DB_IDENTIFIER, IDENTIFIER_RULE),
                RequestFields.optional(node, "instanceClass", INSTANCE_CLASS, "an instance class such as db.r6g.large or db.serverless"),
                RequestFields.oneOf(node, "cutover", "none", "none", "rename", "config"),
                RequestFields.bool(node, "approval", false),
                mode,
                RequestFields.bool(node, "dryRun", false),
                RequestFields.optional(node, "reason", null, "free text"));
    }

    public String sourceId() {
        return clusterId != null ? clusterId : instanceId;
    }
}
