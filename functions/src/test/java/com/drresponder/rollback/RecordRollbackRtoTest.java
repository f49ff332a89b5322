package com.drresponder.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.common.Json;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.ledger.InMemoryLedger;
import com.drresponder.notify.Notification;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** record-rollback measures the time from alarm to rollback against the Lambda RTO target (LAMBDA_RTO_TARGET_MINUTES). */
class RecordRollbackRtoTest {
    static final Instant NOW = Instant.parse("2026-03-15T10:20:00Z");
    static final String ALIAS = "arn:aws:lambda:us-east-1:123456789012:function:orders:live";

    final InMemoryLedger ledger = new InMemoryLedger();
    final List<Notification> sent = new ArrayList<>();

    ObjectNode record(Duration sinceAlarm, Duration target) {
        ledger.openIncident(new Incident("inc-1", "rollback-lambda-alias", ALIAS, "alarm", Severity.P2, IncidentStatus.INVESTIGATING, null,
                "errors", "{}", NOW, NOW));
        RollbackRecorder recorder = new RollbackRecorder(ledger, sent::add, Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofMinutes(10), Duration.ofSeconds(30), target);
        ObjectNode in = Json.object();
        in.put("incidentId", "inc-1");
        in.set("plan", Json.MAPPER.valueToTree(new RollbackPlan("rollback", "orders", "live", ALIAS, "7", "6", "r-1", "7", "alarm", "errors")));
        in.putObject("input").put("detectedAt", NOW.minus(sinceAlarm).toString());
        return recorder.record(in);
    }

    @Test
    void record_should_reportTheTargetMet_when_rolledBackWithinIt() {
        ObjectNode out = record(Duration.ofMinutes(4), Duration.ofMinutes(15));

        assertThat(out.path("rtoMet").asBoolean()).isTrue();
        assertThat(out.path("rtoTargetSeconds").asLong()).isEqualTo(900);
        assertThat(sent).singleElement().extracting(Notification::whatWasDone).asString().contains("240 s (RTO target 15 min: met)");
    }

    @Test
    void record_should_reportTheTargetMissed_when_rolledBackLater() {
        ObjectNode out = record(Duration.ofMinutes(20), Duration.ofMinutes(15));

        assertThat(out.path("rtoMet").asBoolean()).isFalse();
        assertThat(sent).singleElement().extracting(Notification::whatWasDone).asString().contains("(RTO target 15 min: MISSED)");
    }

    @Test
    void settings_should_readTheTargetFromTheEnvironment_when_configured() {
        assertThat(RollbackSettings.from(Map.of()).rtoTarget()).isEqualTo(Duration.ofMinutes(15));
        assertThat(RollbackSettings.from(Map.of("LAMBDA_RTO_TARGET_MINUTES", "5")).rtoTarget()).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> RollbackSettings.from(Map.of("LAMBDA_RTO_TARGET_MINUTES", "0"))).hasMessageContaining("LAMBDA_RTO_TARGET_MINUTES");
    }
}
