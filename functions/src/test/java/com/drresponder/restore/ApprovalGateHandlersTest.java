package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.common.Settings;
import com.drresponder.ledger.InMemoryLedger;
import com.drresponder.ledger.Lease;
import com.drresponder.notify.Notification;
import com.drresponder.timeline.TimelineRecorder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The approval gate's two steps over an in-memory ledger: where the token goes, and what the answer does. */
class ApprovalGateHandlersTest {
    static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");
    static final String TOKEN = "AAAAKgAAAAIAAAAAAAAAAZ-task-token-bearer-credential";
    final InMemoryLedger ledger = new InMemoryLedger();
    final List<Notification> sent = new ArrayList<>();
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final TimelineRecorder recorder = new TimelineRecorder(ledger, sent::add, clock, Settings.DEFAULT_LOCK_TTL);
    final Lease lease = new Lease(ledger, clock, Duration.ofMinutes(10));

    @BeforeEach
    void incident() {
        ledger.openIncident(new Incident("inc-1", "restore-database-to-point-in-time", "arn:aws:rds:us-east-1:123456789012:cluster:orders-db",
                "manual", Severity.P2, IncidentStatus.IDENTIFIED, null, "Restore orders-db", "{}", NOW, NOW));
        ledger.acquireLock("arn:aws:rds:us-east-1:123456789012:cluster:orders-db", "inc-1", NOW, NOW.plus(Duration.ofMinutes(10)));
    }

    @Test
    void requestApproval_should_keepTokenInLedgerOnly_and_tellPeopleTheDrctlCommand() {
        // GIVEN the gate's input with its task token
        JsonNode event = Json.object().put("incidentId", "inc-1").put("taskToken", TOKEN).put("summary", "Restore orders-db").put("endpoint", "orders-db-restored.local");
        // WHEN the approval is requested
        new RequestApprovalHandler(ledger, recorder, clock, lease).handle(event);
        // THEN the token is in the ledger's approval item, and in no timeline entry or notification
        assertThat(ledger.approvalToken("inc-1")).contains(TOKEN);
        assertThat(ledger.timeline("inc-1")).isNotEmpty().allSatisfy(e -> assertThat(e.detail() + e.undo()).doesNotContain(TOKEN));
        assertThat(sent).hasSize(1).allSatisfy(n -> assertThat(n.subject() + n.body()).doesNotContain(TOKEN).contains("./drctl approve inc-1"));
        // AND the lock outlasts the whole wait for a person (no step renews it meanwhile): token lifetime + the lease
        assertThat(ledger.lock("arn:aws:rds:us-east-1:123456789012:cluster:orders-db")).get()
                .satisfies(l -> assertThat(l.expiresAt()).isEqualTo(NOW.plus(RequestApprovalHandler.TOKEN_LIFETIME).plus(Duration.ofMinutes(10))));
    }

    @Test
    void approvalDecision_should_recordApprover_and_dropToken_when_approvedTrue() {
        ledger.putApprovalToken("inc-1", TOKEN, NOW.plusSeconds(3600));
        JsonNode event = Json.object().put("incidentId", "inc-1").set("answer",
                Json.object().put("approved", true).put("approver", "arn:aws:iam::123456789012:user/alice").put("reason", "rows match"));
        JsonNode out = (JsonNode) new ApprovalDecisionHandler(ledger, recorder).handle(event);
        assertThat(out.get("approved").asBoolean()).isTrue();
        assertThat(out.get("cause").isNull()).isTrue();
        assertThat(ledger.timeline("inc-1")).anyMatch(e -> e.action().equals("Approval") && e.outcome().equals("approved")
                && e.detail().equals("Cut-over approved by arn:aws:iam::123456789012:user/alice: rows match"));
        assertThat(ledger.approvalToken("inc-1")).isEmpty();
    }

    @Test
    void approvalDecision_should_returnCause_and_recordNoApproval_when_approvedFalse() {
        ledger.putApprovalToken("inc-1", TOKEN, NOW.plusSeconds(3600));
        JsonNode event = Json.object().put("incidentId", "inc-1").set("answer", Json.object().put("approved", false));
        JsonNode out = (JsonNode) new ApprovalDecisionHandler(ledger, recorder).handle(event);
        assertThat(out.get("approved").asBoolean()).isFalse();
        assertThat(out.get("cause").asText()).isEqualTo("approval refused: approved is false, not true");
        assertThat(ledger.timeline("inc-1")).noneMatch(e -> e.outcome().equals("approved"));
        assertThat(ledger.approvalToken("inc-1")).isEmpty();
    }
}
