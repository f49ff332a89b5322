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
 * Input {@code {"executionStart", "restoreTime", "rtoTargetMinutes", "rpoTargetMinutes", "mode", "sourceId"}}; a failover
 * gives {@code "dataLossSeconds"} (the replica's lag at promotion, null when unknown) instead of {@code restoreTime},
 * and {@code "playbook"} for the metrics' dimension.
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
        // a failover loses what its replica had not received: the lag at promotion, given as dataLossSeconds
        Duration rpo = event.has("dataLossSeconds") ? dataLoss(event.get("dataLossSeconds"))
                : Duration.between(Instant.parse(required(event, "restoreTime")), now);
        long rtoTarget = event.path("rtoTargetMinutes").asLong(60) * 60;
        long rpoTarget = event.path("rpoTargetMinutes").asLong(5) * 60;
        String mode = Json.text(event, "mode") == null ? "restore" : Json.text(event, "mode");
        var metrics = Telemetry.metrics();
        String playbook = Json.text(event, "playbook") == null ? "restore-database-to-point-in-time" : Json.text(event, "playbook");
        metrics.addDimension(DimensionSet.of("Playbook", playbook, "Mode", mode));
        metrics.addMetric("MeasuredRtoSeconds", rto.toSeconds(), MetricUnit.SECONDS);
        if (rpo != null) {
            metrics.addMetric("MeasuredRpoSeconds", rpo.toSeconds(), MetricUnit.SECONDS);
        }
        metrics.addMetadata("sourceId", String.valueOf(Json.text(event, "sourceId")));
        boolean rtoMet = rto.toSeconds() <= rtoTarget;
        boolean rpoMet = rpo != null && rpo.toSeconds() <= rpoTarget;
        ObjectNode result = Json.object().put("rtoSeconds", rto.toSeconds())
                .put("rtoTargetSeconds", rtoTarget).put("rpoTargetSeconds", rpoTarget).put("rtoMet", rtoMet).put("rpoMet", rpoMet);
        if (rpo != null) {
            result.put("rpoSeconds", rpo.toSeconds());
        } else {
            result.putNull("rpoSeconds");
        }
        result.put("summary", "RTO " + rto.toSeconds() + " s (target " + rtoTarget + " s, " + (rtoMet ? "met" : "MISSED") + "), RPO "
                + (rpo == null ? "unknown (no lag figure at promotion)" : rpo.toSeconds() + " s (target " + rpoTarget + " s, " + (rpoMet ? "met" : "MISSED") + ")"));
        return result;
    }

    /** Whole seconds, rounded up (half a second of lost writes is not zero); null when the figure is unknown. */
    private static Duration dataLoss(JsonNode value) {
        return value == null || value.isNull() ? null : Duration.ofSeconds((long) Math.ceil(value.asDouble()));
    }
}
