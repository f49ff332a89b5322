package com.drresponder.restore;

import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.Json;
import com.drresponder.common.Telemetry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Measures the restore against the runbook's objectives once the database is usable: RTO = execution
 * start -> now (cut-over done, or drill copy verified), RPO = now - restore point. Emits the EMF metrics
 * {@code MeasuredRtoSeconds} and {@code MeasuredRpoSeconds} and returns the figures for the timeline.
 * Input {@code {"executionStart", "restoreTime", "rtoTargetMinutes", "rpoTargetMinutes", "mode", "sourceId"}}.
 */
public final class RecoveryMetricsHandler extends JsonStepHandler {
    private final Clock clock;

    public RecoveryMetricsHandler() {
        this(Clock.systemUTC());
    }

    public RecoveryMetricsHandler(Clock clock) {
        this.clock = clock;
    }

    @Override
    protected Object handle(JsonNode event) {
        Instant now = clock.instant();
        Duration rto = Duration.between(Instant.parse(required(event, "executionStart")), now);
        Duration rpo = Duration.between(Instant.parse(required(event, "restoreTime")), now);
        long rtoTarget = event.path("rtoTargetMinutes").asLong(60) * 60;
        long rpoTarget = event.path("rpoTargetMinutes").asLong(5) * 60;
        String mode = Json.text(event, "mode") == null ? "restore" : Json.text(event, "mode");
        var metrics = Telemetry.metrics();
        metrics.addDimension(DimensionSet.of("Playbook", "restore-database-to-point-in-time", "Mode", mode));
        metrics.addMetric("MeasuredRtoSeconds", rto.toSeconds(), MetricUnit.SECONDS);
        metrics.addMetric("MeasuredRpoSeconds", rpo.toSeconds(), MetricUnit.SECONDS);
        metrics.addMetadata("sourceId", String.valueOf(Json.text(event, "sourceId")));
        boolean rtoMet = rto.toSeconds() <= rtoTarget;
        boolean rpoMet = rpo.toSeconds() <= rpoTarget;
        ObjectNode result = Json.object().put("rtoSeconds", rto.toSeconds()).put("rpoSeconds", rpo.toSeconds())
                .put("rtoTargetSeconds", rtoTarget).put("rpoTargetSeconds", rpoTarget).put("rtoMet", rtoMet).put("rpoMet", rpoMet);
        result.put("summary", "RTO " + rto.toSeconds() + " s (target " + rtoTarget + " s, " + (rtoMet ? "met" : "MISSED") + "), RPO "
                + rpo.toSeconds() + " s (target " + rpoTarget + " s, " + (rpoMet ? "met" : "MISSED") + ")");
        return result;
    }
}
