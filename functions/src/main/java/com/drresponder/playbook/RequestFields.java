package com.drresponder.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Field readers that fail with a message naming the field; shared by every playbook request. */
final class RequestFields {
    private RequestFields() {}

    static String required(JsonNode node, String field, Pattern allowed, String allowedDescription) {
        String value = optional(node, field, allowed, allowedDescription);
        if (value == null) {
            throw new InvalidRequestException(field, "is required (" + allowedDescription + ")");
        }
        return value;
    }

    static String optional(JsonNode node, String field, Pattern allowed, String allowedDescription) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException(field, "must be a string (" + allowedDescription + "), got " + value.getNodeType().name().toLowerCase());
        }
        String text = value.asText().trim();
        if (text.isEmpty()) {
            throw new InvalidRequestException(field, "must not be empty (" + allowedDescription + ")");
        }
        if (allowed != null && !allowed.matcher(text).matches()) {
            throw new InvalidRequestException(field, "must be " + allowedDescription + ", got \"" + abbreviate(text) + "\"");
        }
        return text;
    }

    /**
     * The entries of a field that takes one value or a list of them: absent is none, a lone {@code one} value is a list
     * of it, anything else but an array is refused as not {@code description} "or a list of them".
     */
    static List<JsonNode> oneOrList(JsonNode node, Predicate<JsonNode> one, String field, String description) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (one.test(node)) {
            return List.of(node);
        }
        if (!node.isArray()) {
            throw new InvalidRequestException(field, "must be " + description + ", or a list of them");
        }
        List<JsonNode> entries = new ArrayList<>();
        node.forEach(entries::add);
        return entries;
    }

    static boolean bool(JsonNode node, String field, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new InvalidRequestException(field, "must be true or false, got " + abbreviate(value.toString()));
        }
        return value.booleanValue();
    }

    static String oneOf(JsonNode node, String field, String fallback, String... allowed) {
        String value = optional(node, field, null, "one of " + String.join(", ", allowed));
        if (value == null) {
            return fallback;
        }
        for (String a : allowed) {
            if (a.equals(value)) {
                return value;
            }
        }
        throw new InvalidRequestException(field, "must be one of " + String.join(", ", allowed) + ", got \"" + abbreviate(value) + "\"");
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
