package com.drresponder.credentials;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one secret's rotation puts on the incident timeline, so the timeline alone says what was rotated (a stopped or
 * failed execution never reaches the final summary): before each RotateSecret the intent with its undo (write-ahead),
 * once the rotation finished the outcome. Secret names (unique in the account and region) and version ids only, never a
 * value; no ARN, whose {@code secret:} part the timeline's redactor would mask.
 */
final class RotationTimeline {
    private RotationTimeline() {}

    /**
     * check-rotation's output: the {@code status} fields, plus {@code intent} and {@code undo} when the next step is a
     * RotateSecret, {@code outcome} when the secret is done.
     */
    static ObjectNode withEntries(JsonNode item, RotationProgress.Status status) {
        ObjectNode out = Json.MAPPER.valueToTree(status);
        String secretId = item.path("secretId").asText();
        String name = item.path("name").asText(secretId);
        String kind = "managed".equals(item.path("kind").asText()) ? "RDS-managed secret " : "secret ";
        String start = item.path("startVersions").path("current").asText(null);
        int passes = item.path("tokens").size();
        String pass = passes > 1 ? " (pass " + (status.pass() + 1) + " of " + passes + ", for the other user)" : "";
        switch (status.state()) {
            case rotate -> {
                out.put("intent", "Rotating " + kind + name + pass + ": RotateSecret with ClientRequestToken "
                        + status.token() + ", attempt " + status.rotateCalls() + "; AWSCURRENT at the start: " + (start == null ? "none" : start));
                out.put("undo", undo(name, start, status.token()));
            }
            case done -> out.put("outcome", "Rotated " + kind + name + ": AWSCURRENT is now version " + status.versionId()
                    + (start == null ? "" : ", was " + start) + (passes > 1 ? "; both users' passwords changed (" + passes + " passes)" : "")
                    + "; verification follows");
            default -> { }
        }
        return out;
    }

    /**
     * A rotation is not undone on purpose (the old password is the leaked one); the command that goes back to the value of
     * the incident's start is written anyway, for an emergency once the leak is contained otherwise.
     */
    static String undo(String secretName, String startVersion, String token) {
        if (startVersion == null) {
            return "Not undone: the secret had no AWSCURRENT version at the start, so there is nothing to go back to.";
        }
        return "Not undone on purpose: the old password is the leaked one. Emergency only: aws secretsmanager update-secret-version-stage"
                + " --secret-id " + secretName + " --version-stage AWSCURRENT --move-to-version-id " + startVersion
                + " --remove-from-version-id " + token + " (and for a database secret set the user's password back to that value)";
    }
}
