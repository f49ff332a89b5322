package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * The recovery-metrics step as the playbook invokes it (catalog function in the emulator's Lambda host, the
 * ledger in moto), with every time chosen by the test: detection (the incident's opening), the approval
 * request and answer on the timeline, the plan, the restore point and the measuring state's entry.
 */
@AwsEmulatorTest
class RecoveryMetricsIT {

    @Test
    void restore_should_measureRtoFromDetection_withApprovalApart_and_emitTheFiguresAsMetrics(AwsEmulator emulator) throws Exception {
        // GIVEN an incident detected at 03:00, its cut-over approved after a 15 min wait, measured at 03:50
        LocalResponder responder = LocalResponder.create(emulator).function("RecoveryMetrics");
        DynamoDbLedger ledger = responder.ledger();
        ledger.openIncident(new Incident("inc-rto-1", "restore-database-to-point-in-time", "arn:aws:rds:us-east-1:123456789012:cluster:orders-db",
                "alarm", Severity.P1, IncidentStatus.INVESTIGATING, null, "restore", "{}", at("03:00:00"), at("03:00:00")));
        ledger.append("inc-rto-1", TimelineEntry.of(at("03:20:00"), "restore-database-to-point-in-time", "Approval requested", "waiting", "approve?"));
        ledger.append("inc-rto-1", TimelineEntry.of(at("03:35:00"), "restore-database-to-point-in-time", "Approval", "approved", "by alice"));
        // WHEN the playbook's measuring step runs (its input as the ASL builds it)
        InvokeResponse response = responder.invoke("RecoveryMetrics", Json.object().put("incidentId", "inc-rto-1")
                .put("completedAt", "2026-11-22T03:50:00Z").put("plannedAt", "2026-11-22T03:01:00Z").put("restoreTime", "2026-11-22T03:00:40Z")
                .put("rtoTargetMinutes", "60").put("rpoTargetMinutes", "5").put("mode", "restore").put("sourceId", "orders-db").toString());
        // THEN the figures count from detection, with the approval wait apart, the RPO as the restore point's lag at planning
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        JsonNode figures = LocalResponder.json(response.payload().asUtf8String());
        assertThat(figures.get("detectedAt").asText()).isEqualTo("2026-11-22T03:00:00Z");
        assertThat(figures.get("rtoSeconds").asLong()).isEqualTo(3000);
        assertThat(figures.get("approvalWaitSeconds").asLong()).isEqualTo(900);
        assertThat(figures.get("rpoSeconds").asLong()).isEqualTo(20);
        // (no lost-write reading in the input: the window is the time bound, restore point to cut-over, and says so)
        assertThat(figures.get("lostWriteWindowSeconds").asLong()).isEqualTo(2960);
        assertThat(figures.get("lostWriteWindowMeasured").asBoolean()).isFalse();
        assertThat(figures.get("summary").asText()).startsWith("RTO 3000 s from detection (target 3600 s, met), of which 900 s waiting for approval")
                .endsWith("lost-write window at most 2960 s (restore point to cut-over; not measured: nothing was read before the switch)");
        // AND as EMF metrics in the function's log, the window labelled with its basis
        String log = Files.readString(emulator.lambdaHost().logFile("recovery-metrics"));
        assertThat(log).contains("\"MeasuredRtoSeconds\":3000").contains("\"ApprovalWaitSeconds\":900").contains("\"MeasuredRpoSeconds\":20")
                .containsPattern("\"Basis\":\"time-bound\"[^\\n]*\"LostWriteWindowSeconds\":2960|\"LostWriteWindowSeconds\":2960[^\\n]*\"Basis\":\"time-bound\"");
    }

    @Test
    void restore_should_reportTheMeasuredLostWriteWindow_as_suchOnTheMetric(AwsEmulator emulator) throws Exception {
        // GIVEN a restore whose reading before the switch found the source 75 s ahead of the copy
        LocalResponder responder = LocalResponder.create(emulator).function("RecoveryMetrics");
        responder.ledger().openIncident(new Incident("inc-rto-2", "restore-database-to-point-in-time",
                "arn:aws:rds:us-east-1:123456789012:cluster:orders-db", "alarm", Severity.P1, IncidentStatus.INVESTIGATING, null, "restore", "{}",
                at("03:00:00"), at("03:00:00")));
        var input = Json.object().put("incidentId", "inc-rto-2").put("completedAt", "2026-11-22T03:50:00Z").put("plannedAt", "2026-11-22T03:01:00Z")
                .put("restoreTime", "2026-11-22T03:00:40Z").put("rtoTargetMinutes", "60").put("rpoTargetMinutes", "5").put("mode", "restore")
                .put("sourceId", "orders-db");
        input.putObject("lostWrites").putObject("result").put("measured", true).put("seconds", 75).put("detail", "orders.updated_at: source newest x");
        // WHEN the measuring step runs
        InvokeResponse response = responder.invoke("RecoveryMetrics", input.toString());
        // THEN the window is the measured 75 s (not the 2960 s bound), on the result, the summary and the metric, labelled measured
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        JsonNode figures = LocalResponder.json(response.payload().asUtf8String());
        assertThat(figures.get("lostWriteWindowSeconds").asLong()).isEqualTo(75);
        assertThat(figures.get("lostWriteWindowMeasured").asBoolean()).isTrue();
        assertThat(figures.get("summary").asText()).endsWith("lost-write window 75 s, measured before the switch (orders.updated_at: source newest x)");
        String log = Files.readString(emulator.lambdaHost().logFile("recovery-metrics"));
        assertThat(log).containsPattern("\"Basis\":\"measured\"[^\\n]*\"LostWriteWindowSeconds\":75|\"LostWriteWindowSeconds\":75[^\\n]*\"Basis\":\"measured\"");
    }

    static Instant at(String time) {
        return Instant.parse("2026-11-22T" + time + "Z");
    }
}
