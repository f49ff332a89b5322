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
        String plan,
        String whatIsNext) {

    /**
     * Whether there is anything to act on. A request whose secrets all turned out missing or not opted in,
     * with nothing to contain, must end with a person told so, not with a "Resolved" that did nothing.
     */
    @com.fasterxml.jackson.annotation.JsonProperty("actionable")
    public boolean actionable() {
        return !secrets.isEmpty() || containment != null
                && (containment.accessKey() != null || containment.roleSessions() != null
                    || containment.blockCidrs() != null && !containment.blockCidrs().isEmpty());
    }

    /**
     * A secret to rotate: {@code kind} "function" (its rotation Lambda) or "managed" (RDS rotates it); one
     * {@link RotationTokens ClientRequestToken} per pass (two for alternating users, so both users' passwords
     * change); {@code startVersions}: the versions that must no longer log in afterwards; {@code incidentId}: whose
     * lease each rotation check renews (the rotation Map's items are the targets).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Target(String incidentId, String secretId, String name, String kind, String rotationFunctionArn, List<String> tokens,
                         StartVersions startVersions) {}

    /** Version ids (never values) staged AWSCURRENT and AWSPREVIOUS when the incident started; either may be null. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StartVersions(String current, String previous) {}

    public record Skipped(String secret, String reason) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Containment(AccessKey accessKey, Sessions userSessions, Sessions roleSessions, List<String> blockCidrs, String summary) {}

    /**
     * An IAM user's key to deactivate: {@code intent} is written ahead on the timeline with {@code undo} (reactivating
     * the key, and lifting the session deny when there is one), {@code outcome} once done.
     */
    public record AccessKey(String userName, String accessKeyId, String intent, String undo, String outcome) {}

    /**
     * Deny everything to sessions of the user or role {@code name} issued before {@code issuedBefore}: how IAM revokes
     * temporary credentials (an inline policy on the user or role).
     */
    public record Sessions(String name, String policyName, String policyDocument, String issuedBefore, String undo) {}
}
