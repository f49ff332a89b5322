package com.drresponder.restore;

import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.Json;
import com.drresponder.common.Telemetry;
import com.drresponder.incident.Incident;
import com.drresponder.ledger.Ledger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Measures the restore against the runbook's objectives once the database is usable ({@link RecoveryFigures}):
 * detection is the incident's opening in the ledger, the approval wait comes from its timeline, completion is
 * when the playbook entered the measuring state. Emits the EMF metrics {@code MeasuredRtoSeconds},
 * {@code ApprovalWaitSeconds}, {@code MeasuredRpoSeconds} and (real restores) {@code LostWriteWindowSeconds};
 * returns the figures for the timeline.
 * Input {@code {"incidentId", "completedAt", "plannedAt", "restoreTime", "rtoTargetMinutes", "rpoTargetMinutes", "mode", "sourceId"}}.
 */
public final class RecoveryMetricsHandler extends JsonStepHandler {
    private final Ledger ledger;

    public RecoveryMetricsHandler() {
        this(RequestApprovalHandler.ledgerFromEnvironment());
    }

    public RecoveryMetricsHandler(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    protected Object handle(JsonNode event) {
        String incidentId = required(event, "incidentId");
        Incident incident = ledger.incident(incidentId).orElseThrow(() -> new IllegalStateException("no incident " + incidentId + " in the ledger"));
        boolean drill = "drill".equals(Json.text(event, "mode"));
        RecoveryFigures f = RecoveryFigures.of(incident.createdAt(), ledger.timeline(incidentId), Instant.parse(required(event, "completedAt")),
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
}
