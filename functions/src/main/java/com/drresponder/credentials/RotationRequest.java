package com.drresponder.credentials;

import java.util.Map;

/** What Secrets Manager sends a rotation function: {@code {SecretId, ClientRequestToken, Step}}. */
public record RotationRequest(String secretId, String token, RotationStep step) {

    public static RotationRequest from(Map<String, ?> event) {
        return new RotationRequest(required(event, "SecretId"), required(event, "ClientRequestToken"),
                RotationStep.fromWire(required(event, "Step")));
    }

    private static String required(Map<String, ?> event, String field) {
        Object value = event == null ? null : event.get(field);
        if (!(value instanceof String text) || text.isBlank()) {
            throw new RotationRefusedException("rotation event has no " + field);
        }
        return text;
    }
}
