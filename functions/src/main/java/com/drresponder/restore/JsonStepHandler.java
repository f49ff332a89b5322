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
 * Base of the restore playbook's step functions: the JSON lifecycle is {@link Telemetry#handleJson};
 * subclasses implement only {@link #handle(JsonNode)}.
 */
abstract class JsonStepHandler implements RequestStreamHandler {

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Telemetry.handleJson(input, output, context, this::handle);
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
