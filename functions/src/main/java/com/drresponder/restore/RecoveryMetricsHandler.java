package com.drresponder.restore;

import com.drresponder.common.Json;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.Lazy;
import com.drresponder.common.Telemetry;
import com.drresponder.incident.Incident;
import com.drresponder.ledger.Ledger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Measures a recovery against the runbook's objectives once the database is usable.
 * <p>The restore ({@code completedAt} given, {@link RecoveryFigures}): detection is the incident's opening in the
 * ledger, the approval wait comes from its timeline, completion is when the playbook entered the measuring state.
 * Emits {@code MeasuredRtoSeconds}, {@code ApprovalWaitSeconds}, {@code MeasuredRpoSeconds} and (real restores)
 * {@code LostWriteWindowSeconds}. Input {@code {"incidentId", "completedAt", "plannedAt", "restoreTime",
 * "rtoTargetMinutes", "rpoTargetMinutes", "mode", "sourceId"}}.
 * <p>The failover (fail-over-database reuses this step; it has not moved to detection-based figures yet):
 * RTO = {@code executionStart} -> now, RPO = {@code dataLossSeconds} (the replica's lag at promotion, null when
 * unknown); {@code "playbook"} names the metrics' dimension.
 */
public final class RecoveryMetricsHandler extends JsonStepHandler {
    private final Supplier<Ledger> ledger;
    private final Clock clock;

    public RecoveryMetricsHandler() {
        this(Lazy.of(RequestApprovalHandler::ledgerFromEnvironment), Clock.systemUTC());
    }

    public RecoveryMetricsHandler(Supplier<Ledger> ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    @Override
    protected Object handle(JsonNode event) {
        return event.has("completedAt") ? restore(event) : failover(event);
    }

    private ObjectNode restore(JsonNode event) {
        String incidentId = required(event, "incidentId");
        Incident incident = ledger.get().incident(incidentId).orElseThrow(() -> new IllegalStateException("no incident " + incidentId + " in the ledger"));
        boolean drill = "drill".equals(Json.text(event, "mode"));
        RecoveryFigures f = RecoveryFigures.of(incident.createdAt(), ledger.get().timeline(incidentId), Instant.parse(required(event, "completedAt")),
                Instant.parse(required(event, "plannedAt")), Instant.parse(required(event, "restoreTime")), drill,
                Duration.ofMinutes(event.path("rtoTargetMinutes").asLong(60)), Duration.ofMinutes(event.path("rpoTargetMinutes").asLong(5)));
        var metrics = Telemetry.metrics();
        metrics.addDimension(DimensionSet.of("Playbook", "restore-database-to-point-in-time", "Mode", drill ? "drill" : "restore"));
        metrics.addMetric("MeasuredRtoSeconds", f.rto().toSeconds(), MetricUnit.SECONDS);
        metrics.addMetric("ApprovalWaitSeconds", f.approvalWait().toSeconds(), MetricUnit.SECONDS);
        metrics.addMetric("MeasuredRpoSeconds", f.rpo().toSeconds(), MetricUnit.SECONDS);
        if (f.lostWriteWindow() != null) {
            metrics.addMetric("LostWriteWindowSeconds", f.lostWriteWindow().toSeconds(), MetricUnit.SECONDS);
        }
        metrics.addMetadata("sourceId", String.valueOf(Json.text(event, "sourceId")));
        ObjectNode result = Json.object().put("detectedAt", incident.createdAt().toString()).put("rtoSeconds", f.rto().toSeconds())
                .put("approvalWaitSeconds", f.approvalWait().toSeconds()).put("rpoSeconds", f.rpo().toSeconds())
                .put("rtoTargetSeconds", f.rtoTarget().toSeconds()).put("rpoTargetSeconds", f.rpoTarget().toSeconds())
                .put("rtoMet", f.rtoMet()).put("rpoMet", f.rpoMet());
        if (f.lostWriteWindow() != null) {
            result.put("lostWriteWindowSeconds", f.lostWriteWindow().toSeconds());
        }
        return result.put("summary", f.summary());
    }

    private ObjectNode failover(JsonNode event) {
        Instant now = clock.instant();
        Duration rto = Duration.between(Instant.parse(required(event, "executionStart")), now);
        Duration rpo = dataLoss(event.get("dataLossSeconds"));
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
