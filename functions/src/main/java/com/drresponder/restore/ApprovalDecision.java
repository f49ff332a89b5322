package com.drresponder.restore;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The answer a person sent to the approval gate (the SendTaskSuccess output), read strictly: only
 * {@code {"approved": true, "approver": "<caller ARN>", "reason"?}} lets the cut-over go on. Anything else
 * ({@code {"approved": false}}, {@code {}}, unknown fields, no approver) is a refusal with its reason.
 * The approver is what {@code drctl} read from STS GetCallerIdentity; CloudTrail's SendTaskSuccess event
 * holds the authenticated caller as well.
 * <p>A step that may lose data (an Aurora Global Database failover with {@code AllowDataLoss}, a detach) asks more:
 * {@code "allowDataLoss": true} must be in the answer, or it is a refusal; elsewhere that field is unknown, so refused.
 */
public record ApprovalDecision(boolean approved, String approver, String reason, String refusal, boolean dataLossAllowed) {
    static final Set<String> FIELDS = Set.of("approved", "approver", "reason");
    static final String ALLOW_DATA_LOSS = "allowDataLoss";
    static final Pattern CALLER_ARN = Pattern.compile("arn:aws[a-z-]*:(iam|sts)::\\d{12}:[A-Za-z0-9+=,.@_/-]{1,512}");
    static final int MAX_REASON = 1000;

    public static ApprovalDecision of(JsonNode answer) {
        return of(answer, false);
    }

    /** @param losesData the step approved may lose data: only an answer with {@code "allowDataLoss": true} approves it */
    public static ApprovalDecision of(JsonNode answer, boolean losesData) {
        if (answer == null || !answer.isObject()) {
            return refused("the answer must be a JSON object {\"approved\": true, \"approver\": \"<caller ARN>\"}, got "
                    + (answer == null ? "nothing" : answer.getNodeType().name().toLowerCase()));
        }
        for (Iterator<String> it = answer.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field) && !(losesData && ALLOW_DATA_LOSS.equals(field))) {
                return refused("unknown field \"" + abbreviate(field) + "\" in the answer (allowed: approved, approver, reason"
                        + (losesData ? ", " + ALLOW_DATA_LOSS : "") + ")");
            }
        }
        JsonNode approved = answer.get("approved");
        if (approved == null || !approved.isBoolean() || !approved.booleanValue()) {
            return refused("approved is " + (approved == null ? "missing" : abbreviate(approved.toString())) + ", not true");
        }
        JsonNode approver = answer.get("approver");
        if (approver == null || !approver.isTextual() || !CALLER_ARN.matcher(approver.asText()).matches()) {
            return refused("approver must be the approving caller's ARN (drctl sends it from sts get-caller-identity), got "
                    + (approver == null ? "nothing" : abbreviate(approver.toString())));
        }
        JsonNode reason = answer.get("reason");
        if (reason != null && !reason.isNull() && (!reason.isTextual() || reason.asText().length() > MAX_REASON)) {
            return refused("reason must be text of at most " + MAX_REASON + " characters");
        }
        if (losesData) {
            JsonNode allow = answer.get(ALLOW_DATA_LOSS);
            if (allow == null || !allow.isBoolean() || !allow.booleanValue()) {
                return refused("this step loses the changes not yet replicated: only an answer with \"" + ALLOW_DATA_LOSS
                        + "\": true approves it (drctl approve --allow-data-loss), got " + (allow == null ? "none" : abbreviate(allow.toString())));
            }
        }
        return new ApprovalDecision(true, approver.asText(), reason == null || reason.isNull() ? null : reason.asText(), null, losesData);
    }

    private static ApprovalDecision refused(String why) {
        return new ApprovalDecision(false, null, null, "approval refused: " + why, false);
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
