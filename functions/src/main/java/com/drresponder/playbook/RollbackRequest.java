package com.drresponder.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/** Manual input of the rollback-lambda-alias playbook. */
public record RollbackRequest(String functionName, String alias, String targetVersion, String reason, boolean dryRun) {
    public static final String PLAYBOOK = "rollback-lambda-alias";
    static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final Pattern ALIAS = Pattern.compile("(?!^[0-9]+$)[A-Za-z0-9_-]{1,128}");
    static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,9}");

    public static RollbackRequest parse(JsonNode node) {
        return new RollbackRequest(
                RequestFields.required(node, "functionName", FUNCTION_NAME, "a Lambda function name (letters, digits, - and _, at most 64)"),
                RequestFields.required(node, "alias", ALIAS, "an alias name (letters, digits, - and _, not only digits)"),
                RequestFields.optional(node, "targetVersion", VERSION, "a published version number such as \"3\" ($LATEST is never a rollback target)"),
                RequestFields.optional(node, "reason", null, "free text"),
                RequestFields.bool(node, "dryRun", false));
    }
}
