package com.drresponder.common;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;
import software.amazon.lambda.powertools.metrics.provider.EmfMetricsProvider;

/**
 * Powertools wiring shared by every handler, without AspectJ: structured logs carrying the incident id
 * as correlation id, and CloudWatch EMF metrics flushed once per invocation.
 */
public final class Telemetry {
    public static final String NAMESPACE = "DrResponder";
    private static final String CORRELATION_ID = "correlation_id";

    private Telemetry() {}

    /** The invocation's metrics; during a priming run a throwaway instance, never flushed ({@link Priming#running}). */
    public static Metrics metrics() {
        Metrics metrics = Priming.running() ? new EmfMetricsProvider().getMetricsInstance() : MetricsFactory.getMetricsInstance();
        if (Environment.variables().get("POWERTOOLS_METRICS_NAMESPACE") == null) {
            metrics.setNamespace(NAMESPACE);
        }
        return metrics;
    }

    /** One metric in an EMF record of its own, with its own dimensions (a label the invocation's other metrics do not carry). */
    public static void singleMetric(String name, double value, MetricUnit unit, DimensionSet dimensions) {
        String namespace = Environment.variables().get("POWERTOOLS_METRICS_NAMESPACE");
        metrics().flushSingleMetric(name, value, unit, namespace == null ? NAMESPACE : namespace, dimensions);
    }

    /** Runs one invocation with Lambda context fields in every log line, then flushes metrics. */
    public static <T> T invocation(Context context, Supplier<T> body) {
        try {
            return PowertoolsLogging.withLogging(context, body);
        } finally {
            MDC.remove(CORRELATION_ID);
            metrics().flush();
        }
    }

    /**
     * The whole life of a JSON-in, JSON-out handler: read the input, run {@code body} with the incident id
     * (when the input has one) as correlation id, write the result.
     */
    public static void handleJson(InputStream input, OutputStream output, Context context, Function<JsonNode, Object> body)
            throws IOException {
        JsonNode in = Json.MAPPER.readTree(input);
        Object result = invocation(context, () -> {
            correlate(Json.text(in, "incidentId"));
            return body.apply(in);
        });
        Json.MAPPER.writeValue(output, result);
    }

    public static void correlate(String incidentId) {
        if (incidentId != null) {
            MDC.put(CORRELATION_ID, incidentId);
        }
    }
}
