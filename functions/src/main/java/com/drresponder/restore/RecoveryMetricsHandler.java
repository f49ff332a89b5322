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
 * {@code MeasuredRpoSeconds} (not when unknown), dimensions {@code Playbook} and {@code Mode}, and (real restores)
 * {@code LostWriteWindowSeconds} with a third dimension, {@code Basis}: {@code measured} (read from the data before the
 * switch, {@code lostWrites}) or {@code time-bound} (restore point to cut-over, when nothing could be read). Input
 * {@code {"incidentId", "completedAt", "plannedAt", "restoreTime", "lostWrites", "dataLossSeconds", "rtoTargetMinutes",
 * "rpoTargetMinutes", "mode", "playbook", "sourceId"}}.
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
                        Instant.parse(required(event, "restoreTime")), mode.equals("drill"), lostWrites(event.get("lostWrites")), rtoTarget, rpoTarget);
        var metrics = Telemetry.metrics();
        String playbook = Json.text(event, "playbook") == null ? "restore-database-to-point-in-time" : Json.text(event, "playbook");
        metrics.addDimension(DimensionSet.of("Playbook", playbook, "Mode", mode));
        metrics.addMetric("MeasuredRtoSeconds", f.rto().toSeconds(), MetricUnit.SECONDS);
        metrics.addMetric("ApprovalWaitSeconds", f.approvalWait().toSeconds(), MetricUnit.SECONDS);
        if (f.rpo() != null) {
            metrics.addMetric("MeasuredRpoSeconds", f.rpo().toSeconds(), MetricUnit.SECONDS);
        }
        if (f.lostWrites() != null) {
            // its own record: the Basis dimension keeps measured windows apart from time bounds
            Telemetry.singleMetric("LostWriteWindowSeconds", f.lostWrites().window().toSeconds(), MetricUnit.SECONDS,
                    DimensionSet.of("Playbook", playbook, "Mode", mode, "Basis", f.lostWrites().basis()));
        }
        metrics.addMetadata("sourceId", String.valueOf(Json.text(event, "sourceId")));
        ObjectNode result = Json.object().put("detectedAt", incident.createdAt().toString()).put("rtoSeconds", f.rto().toSeconds())
                .put("approvalWaitSeconds", f.approvalWait().toSeconds()).put("rpoSeconds", f.rpo() == null ? null : f.rpo().toSeconds())
                .put("rtoTargetSeconds", f.rtoTarget().toSeconds()).put("rpoTargetSeconds", f.rpoTarget().toSeconds())
                .put("rtoMet", f.rtoMet()).put("rpoMet", f.rpoMet());
        if (f.lostWrites() != null) {
            result.put("lostWriteWindowSeconds", f.lostWrites().window().toSeconds()).put("lostWriteWindowMeasured", f.lostWrites().measured());
        }
        return result.put("summary", f.summary());
    }

    /**
     * The restore's {@code Measure lost writes} state as the ASL hands it on: {@code {"result": {"measured", "seconds",
     * "detail"}}}, or the error it caught ({@code {"Error", "Cause"}}: only the error's name is kept, the cause may quote
     * anything); null when nothing was read (a drill, or no such state).
     */
    private static LostWriteWindow.Reading lostWrites(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        JsonNode result = value.get("result");
        if (result != null && result.isObject()) {
            boolean measured = result.path("measured").asBoolean(false);
            Long seconds = result.path("seconds").canConvertToLong() ? result.get("seconds").asLong() : null;
            if (measured && (seconds == null || seconds < 0)) {
                throw new IllegalArgumentException("lostWrites.result.seconds must be a non-negative number when measured");
            }
            return new LostWriteWindow.Reading(measured, seconds, result.path("detail").asText(""));
        }
        return new LostWriteWindow.Reading(false, null, "the reading failed (" + value.path("Error").asText("unknown error") + ")");
    }

    /** Whole seconds, rounded up (half a second of lost writes is not zero); null when the figure is unknown. */
    private static Duration dataLoss(JsonNode value) {
        return value == null || value.isNull() ? null : Duration.ofSeconds((long) Math.ceil(value.asDouble()));
    }
}
