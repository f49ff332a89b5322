package com.drresponder.common;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The one lifecycle of a JSON step function (a Step Functions task or a scheduled rule's target): read the input
 * as JSON, run {@link #handle(JsonNode)} with the incident id as correlation id and metrics flushed
 * ({@link Telemetry#handleJson}), write the result as JSON. Subclasses implement only {@code handle}, which parses
 * its input strictly (a request record's {@code parse}, or {@link #required}) before it acts.
 */
public abstract class JsonStepHandler implements RequestStreamHandler {

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Telemetry.handleJson(input, output, context, this::handle);
    }

    /**
     * At init, on a twin built on {@link CannedAws} clients ({@link Priming#invocationPath}): the invocation's path from
     * JSON in to JSON out, without Powertools' per-invocation context (see {@link Priming} for why).
     */
    public final void prime(String input) {
        try {
            Json.MAPPER.writeValue(OutputStream.nullOutputStream(), handle(Json.MAPPER.readTree(input)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One invocation: the parsed input in, the result (serialised with {@link Json#MAPPER}) out. */
    protected abstract Object handle(JsonNode input);

    /** A non-blank text field of the step input, or an {@link IllegalArgumentException} naming it. */
    protected static String required(JsonNode node, String field) {
        String value = Json.text(node, field);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required in the step input");
        }
        return value;
    }
}
