package com.drresponder.credentials;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the credential playbook will act on, as resolved from its input; the state machine reads it.
 * Absent containment parts are left out of the JSON so the ASL can test them with {@code IsPresent}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CredentialTargets(
        String lockKey,
        String severity,
        String summary,
        List<Target> secrets,
        List<Skipped> skipped,
        Containment containment,
        String containmentSummary,
        List<String> notes,
        String plan) {

    /** A secret to rotate: {@code kind} "function" (its rotation Lambda) or "managed" (RDS rotates it). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Target(String secretId, String name, String kind, String rotationFunctionArn) {}

    public record Skipped(String secret, String reason) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Containment(AccessKey accessKey, RoleSessions roleSessions, List<String> blockCidrs, String summary) {}

    public record AccessKey(String userName, String accessKeyId, String undo) {}

    /** Deny everything to sessions issued before {@code issuedBefore}: how IAM revokes a role's temporary credentials. */
    public record RoleSessions(String roleName, String policyName, String policyDocument, String issuedBefore, String undo) {}
}
