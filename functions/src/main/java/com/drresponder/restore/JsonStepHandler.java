package com.drresponder.restore;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.drresponder.common.Json;
import com.drresponder.common.Telemetry;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Plumbing shared by the restore playbook's step functions: JSON in, JSON out, logs correlated with the
 * incident, metrics flushed. Subclasses implement only {@link #handle(JsonNode)}.
 */
abstract class JsonStepHandler implements RequestStreamHandler {

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.MAPPER.readTree(input);
        Object result = Telemetry.invocation(context, () -> {
            Telemetry.correlate(Json.text(event, "incidentId"));
            return handle(event);
        });
        Json.MAPPER.writeValue(output, result);
    }

    abstract Object handle(JsonNode event);

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    static String required(JsonNode node, String field) {
        String value = Json.text(node, field);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required in the step input");
        }
        return value;
    }
}
