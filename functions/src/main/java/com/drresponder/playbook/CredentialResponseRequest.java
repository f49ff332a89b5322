package com.drresponder.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Manual input of the respond-to-credential-compromise playbook: the secrets by id, or by tag. */
public record CredentialResponseRequest(List<String> secretIds, String tag, String reason, boolean dryRun) {
    public static final String PLAYBOOK = "respond-to-credential-compromise";
    static final Pattern SECRET_ID = Pattern.compile("(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:)?[A-Za-z0-9/_+=.@!-]{1,512}"); // "!" only in names Secrets Manager gives RDS-managed secrets (rds!cluster-...)
    static final Pattern TAG = Pattern.compile("[^=\\s][^=]{0,127}=[^=]{1,256}");

    public static CredentialResponseRequest parse(JsonNode node) {
        List<String> ids = new ArrayList<>();
        JsonNode list = node.get("secretIds");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new InvalidRequestException("secretIds", "must be a list of secret names or ARNs");
            }
            for (JsonNode id : list) {
                if (!id.isTextual() || !SECRET_ID.matcher(id.asText()).matches()) {
                    throw new InvalidRequestException("secretIds", "each entry must be a secret name or ARN, got " + id);
                }
                ids.add(id.asText());
            }
            if (ids.isEmpty()) {
                throw new InvalidRequestException("secretIds", "must name at least one secret (or give tag instead)");
            }
        }
        String tag = RequestFields.optional(node, "tag", TAG, "a tag filter key=value, such as app=orders");
        if (ids.isEmpty() == (tag == null)) {
            throw new InvalidRequestException("secretIds", "give exactly one of secretIds (a list) or tag (key=value)");
        }
        return new CredentialResponseRequest(List.copyOf(ids), tag,
                RequestFields.optional(node, "reason", null, "free text"), RequestFields.bool(node, "dryRun", false));
    }
}
