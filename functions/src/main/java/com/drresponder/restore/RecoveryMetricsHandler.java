package com.drresponder.restore;

import com.drresponder.common.Json;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.Lazy;
import com.drresponder.common.Telemetry;
import com.drresponder.incident.Incident;
import com.drresponder.ledger.Ledger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Measures a recovery against the runbook's objectives once the database is usable ({@link RecoveryFigures}):
 * detection is the incident's opening in the ledger, the approval wait comes from its timeline, completion is
 * when the playbook entered the measuring state. RPO: a restore's restore point lag at planning; a failover's
 * ({@code "mode": "failover"}, fail-over-database reuses this step) the promoted replica's lag at planning,
 * {@code dataLossSeconds} (null: unknown). Emits {@code MeasuredRtoSeconds}, {@code ApprovalWaitSeconds},
 * {@code MeasuredRpoSeconds} (not when unknown) and (real restores) {@code LostWriteWindowSeconds}, dimensions
 * {@code Playbook} and {@code Mode}. Input {@code {"incidentId", "completedAt", "plannedAt", "restoreTime",
 * "dataLossSeconds", "rtoTargetMinutes", "rpoTargetMinutes", "mode", "playbook", "sourceId"}}.
 */
public final class RecoveryMetricsHandler extends JsonStepHandler {
    private final Supplier<Ledger> ledger;

    public RecoveryMetricsHandler() {
        this(Lazy.of(RequestApprovalHandler::ledgerFromEnvironment));
    }

    public RecoveryMetricsHandler(Supplier<Ledger> ledger) {
        this.ledger = ledger;
    }

    @Override
    protected Object handle(JsonNode event) {
        String incidentId = required(event, "incidentId");
        Incident incident = ledger.get().incident(incidentId).orElseThrow(() -> new IllegalStateException("no incident " + incidentId + " in the ledger"));
        String mode = Json.text(event, "mode") == null ? "restore" : Json.text(event, "mode");
        Instant completedAt = Instant.parse(required(event, "completedAt"));
        Duration rtoTarget = Duration.ofMinutes(event.path("rtoTargetMinutes").asLong(60));
        Duration rpoTarget = Duration.ofMinutes(event.path("rpoTargetMinutes").asLong(5));
        var timeline = ledger.get().timeline(incidentId);
        // failover-drill: a failover's figures, reported under their own Mode so that drills never count as real recoveries
        RecoveryFigures f = mode.startsWith("failover")
                ? RecoveryFigures.failover(incident.createdAt(), timeline, completedAt, dataLoss(event.get("dataLossSeconds")), rtoTarget, rpoTarget)
                : RecoveryFigures.of(incident.createdAt(), timeline, completedAt, Instant.parse(required(event, "plannedAt")),
                        Instant.parse(required(event, "restoreTime")), mode.equals("drill"), rtoTarget, rpoTarget);
        var metrics = Telemetry.metrics();
        String playbook = Json.text(event, "playbook") == null ? "restore-database-to-point-in-time" : Json.text(event, "playbook");
        metrics.addDimension(DimensionSet.of("Playbook", playbook, "Mode", mode));
        metrics.addMetric("MeasuredRtoSeconds", f.rto().toSeconds(), MetricUnit.SECONDS);
        metrics.addMetric("ApprovalWaitSeconds", f.approvalWait().toSeconds(), MetricUnit.SECONDS);
        if (f.rpo() != null) {
            metrics.addMetric("MeasuredRpoSeconds", f.rpo().toSeconds(), MetricUnit.SECONDS);
        }
        if (f.lostWriteWindow() != null) {
            metrics.addMetric("LostWriteWindowSeconds", f.lostWriteWindow().toSeconds(), MetricUnit.SECONDS);
        }
        metrics.addMetadata("sourceId", String.valueOf(Json.text(event, "sourceId")));
        ObjectNode result = Json.object().put("detectedAt", incident.createdAt().toString()).put("rtoSeconds", f.rto().toSeconds())
                .put("approvalWaitSeconds", f.approvalWait().toSeconds()).put("rpoSeconds", f.rpo() == null ? null : f.rpo().toSeconds())
                .put("rtoTargetSeconds", f.rtoTarget().toSeconds()).put("rpoTargetSeconds", f.rpoTarget().toSeconds())
                .put("rtoMet", f.rtoMet()).put("rpoMet", f.rpoMet());
        if (f.lostWriteWindow() != null) {
            result.put("lostWriteWindowSeconds", f.lostWriteWindow().toSeconds());
        }
        return result.put("summary", f.summary());
    }

    /** Whole seconds, rounded up (half a second of lost writes is not zero); null when the figure is unknown. */
    private static Duration dataLoss(JsonNode value) {
        return value == null || value.isNull() ? null : Duration.ofSeconds((long) Math.ceil(value.asDouble()));
    }
}
