package com.drresponder.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Time order of the ledger's sorted items (timeline, alias history, incident list) on the emulator's DynamoDB: the
 * table's own key order, which any Query sees, and what the readers return, also for items written with the old
 * variable-width keys.
 */
@AwsEmulatorTest
class LedgerOrderIT {
    static final String RESOURCE = "arn:aws:lambda:us-east-1:123456789012:function:checkout-api:live";
    static final Instant WHOLE = Instant.parse("2026-12-02T13:00:05Z");
    static final Instant FRACTION = Instant.parse("2026-12-02T13:00:05.123Z");

    LocalResponder responder;
    DynamoDbLedger ledger;

    @BeforeEach
    void deploy(AwsEmulator emulator) {
        responder = LocalResponder.create(emulator);
        ledger = responder.ledger();
        ledger.openIncident(new Incident("inc-1", "rollback-lambda-alias", RESOURCE, "alarm", Severity.P2, IncidentStatus.INVESTIGATING,
                null, "s", "{}", WHOLE, WHOLE));
    }

    @Test
    void append_should_storeKeysInTimeOrder_when_aWholeSecondStepPrecedesAFractionalOne() {
        // GIVEN a step at a whole second and a later one with a fraction, appended in reverse
        ledger.append("inc-1", TimelineEntry.of(FRACTION, "test", "second", "ok", null));
        ledger.append("inc-1", TimelineEntry.of(WHOLE, "test", "first", "ok", null));
        // WHEN DynamoDB is queried in key order, as any reader of the table would
        List<String> actions = stepItems().stream().map(i -> i.get("action").s()).toList();
        // THEN the whole second comes first, and the reader agrees
        assertThat(actions).containsExactly("first", "second");
        assertThat(ledger.timeline("inc-1")).extracting(TimelineEntry::action).containsExactly("first", "second");
    }

    @Test
    void timeline_should_listInTimeOrder_when_oldVariableWidthKeysAreMixedWithNewOnes() {
        // GIVEN an old-format item ("STEP#…:05Z#…", written before the fix) and a new one a fraction later...
        responder.dynamo.putItem(b -> b.tableName(LocalResponder.TABLE).item(Map.of(
                "pk", AttributeValue.fromS("INCIDENT#inc-1"), "sk", AttributeValue.fromS("STEP#" + FRACTION.plusMillis(100) + "#000001"),
                "at", AttributeValue.fromS(FRACTION.plusMillis(100).toString()), "actor", AttributeValue.fromS("old"),
                "action", AttributeValue.fromS("third"), "outcome", AttributeValue.fromS("ok"))));
        responder.dynamo.putItem(b -> b.tableName(LocalResponder.TABLE).item(Map.of(
                "pk", AttributeValue.fromS("INCIDENT#inc-1"), "sk", AttributeValue.fromS("STEP#" + WHOLE + "#000002"),
                "at", AttributeValue.fromS(WHOLE.toString()), "actor", AttributeValue.fromS("old"),
                "action", AttributeValue.fromS("first"), "outcome", AttributeValue.fromS("ok"))));
        ledger.append("inc-1", TimelineEntry.of(FRACTION, "test", "second", "ok", null));
        // WHEN the timeline is read (old keys are read as they are, no migration)
        List<TimelineEntry> timeline = ledger.timeline("inc-1");
        // THEN it is in time order although the table's key order is not
        assertThat(stepItems().stream().map(i -> i.get("action").s()).toList()).isNotEqualTo(List.of("first", "second", "third"));
        assertThat(timeline).extracting(TimelineEntry::action).containsExactly("first", "second", "third");
    }

    @Test
    void appendOnce_should_leaveOneEntry_when_aStepIsRetried_and_keepParallelItemsOfOneState() {
        // GIVEN a step's entry appended, its answer lost, and the retry of the same Task (same state, same entry time) a second later
        TimelineEntry entry = new TimelineEntry(FRACTION, "restore", "Snapshot source", "started", "taking orders-db-pre-restore", "delete it");
        boolean first = ledger.appendOnce("inc-1", "Record snapshot intent", WHOLE, entry);
        // WHEN the retry appends the same entry (recorded later), and a parallel Map item enters the same state at the same instant
        boolean retried = ledger.appendOnce("inc-1", "Record snapshot intent", WHOLE,
                new TimelineEntry(FRACTION.plusSeconds(1), "restore", "Snapshot source", "started", "taking orders-db-pre-restore", "delete it"));
        boolean parallel = ledger.appendOnce("inc-1", "Record snapshot intent", WHOLE,
                new TimelineEntry(FRACTION, "restore", "Snapshot source", "started", "taking billing-db-pre-restore", "delete it"));
        // THEN the retry wrote nothing (the first time is kept), the other item's entry was written, in key order by entry time
        assertThat(List.of(first, retried, parallel)).containsExactly(true, false, true);
        assertThat(ledger.timeline("inc-1")).extracting(TimelineEntry::detail)
                .containsExactlyInAnyOrder("taking orders-db-pre-restore", "taking billing-db-pre-restore");
        assertThat(ledger.timeline("inc-1")).filteredOn(e -> e.detail().contains("orders-db")).singleElement()
                .extracting(TimelineEntry::at).isEqualTo(FRACTION);
        assertThat(stepItems()).allSatisfy(i -> assertThat(i.get("sk").s()).startsWith("STEP#" + SortableInstant.of(WHOLE) + "#Record snapshot intent#"));
    }

    @Test
    void aliasHistory_should_listNewestFirst_when_changesFallInTheSameSecond() {
        // GIVEN two alias changes, the later one a fraction into the same second as the earlier
        ledger.recordAliasChange(new AliasChange(RESOURCE, "7", WHOLE, "UpdateAlias"));
        ledger.recordAliasChange(new AliasChange(RESOURCE, "8", FRACTION, "UpdateAlias"));
        // WHEN the history is read
        List<AliasChange> history = ledger.aliasHistory(RESOURCE);
        // THEN the newest is first
        assertThat(history).extracting(AliasChange::version).containsExactly("8", "7");
    }

    @Test
    void recentIncidents_should_listNewestFirst_when_openedInTheSameSecond() {
        // GIVEN a second incident opened a fraction after the first, in the same second
        ledger.openIncident(new Incident("inc-2", "rollback-lambda-alias", RESOURCE + "2", "alarm", Severity.P2, IncidentStatus.INVESTIGATING,
                null, "s", "{}", FRACTION, FRACTION));
        // WHEN incidents are listed
        List<Incident> incidents = ledger.recentIncidents(1);
        // THEN the newest is the one returned (the index's key order, with a limit)
        assertThat(incidents).extracting(Incident::id).containsExactly("inc-2");
    }

    private List<Map<String, AttributeValue>> stepItems() {
        return responder.dynamo.query(b -> b.tableName(LocalResponder.TABLE).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :s)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("INCIDENT#inc-1"), ":s", AttributeValue.fromS("STEP#"))))
                .items();
    }
}
