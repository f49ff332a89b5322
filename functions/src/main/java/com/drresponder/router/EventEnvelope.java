package com.drresponder.router;

import com.drresponder.common.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The EventBridge envelope, checked: every field the router relies on is present and well typed. */
record EventEnvelope(String id, String source, String detailType, String account, String region, String time,
        List<String> resources, JsonNode detail) {

    /** Thrown for input that is not an EventBridge event; the message says what is wrong. */
    static final class MalformedEventException extends RuntimeException {
        MalformedEventException(String message) {
            super(message);
        }
    }

    private static final int MAX_LOGGED = 128;

    /**
     * {@code id <id>, source <source>} of any input, for the log line of a refused event: read without trusting it (an
     * unreadable event gives {@code unknown}; values are cut to 128 characters), so every refusal can be traced to its event.
     */
    static String identity(String json) {
        JsonNode root = null;
        try {
            root = json == null ? null : Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            // not JSON: logged as unknown, the rejection reason says why
        }
        return "id " + loggable(root, "id") + ", source " + loggable(root, "source");
    }

    private static String loggable(JsonNode root, String field) {
        JsonNode value = root == null ? null : root.get(field);
        if (value == null || !value.isValueNode()) {
            return "unknown";
        }
        String text = value.asText();
        return text.length() > MAX_LOGGED ? text.substring(0, MAX_LOGGED) + "..." : text;
    }

    /** {@code handler}'s result for the parsed event; a malformed one is rejected, saying what is wrong. */
    static RouterResult parseThen(String json, java.util.function.Function<EventEnvelope, RouterResult> handler) {
        EventEnvelope event;
        try {
            event = parse(json);
        } catch (MalformedEventException e) {
            return RouterResult.rejected(e.getMessage());
        }
        return handler.apply(event);
    }

    static EventEnvelope parse(String json) {
        if (json == null || json.isBlank()) {
            throw new MalformedEventException("event is empty");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("event is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("event must be a JSON object");
        }
        JsonNode detail = root.get("detail");
        if (detail == null || !detail.isObject()) {
            throw new MalformedEventException("event has no \"detail\" object");
        }
        List<String> resources = new ArrayList<>();
        JsonNode list = root.get("resources");
        if (list != null && list.isArray()) {
            list.forEach(r -> resources.add(r.asText()));
        }
        return new EventEnvelope(required(root, "id"), required(root, "source"), required(root, "detail-type"),
                required(root, "account"), required(root, "region"), required(root, "time"), List.copyOf(resources), detail);
    }

    private static String required(JsonNode root, String field) {
        String value = Json.text(root, field);
        if (value == null || value.isBlank()) {
            throw new MalformedEventException("event has no \"" + field + "\"");
        }
        return value;
    }
}
