package com.drresponder.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.events.RepositoryFiles;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.AliasChange;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Stale triggers end to end in the emulator: the sample alarm event (its transition 2024-03-15T10:02:41.321+0000) goes
 * through the real router and the real ASL; plan-rollback judges it (age against ALARM_MAX_AGE_SECONDS, the alarm's state
 * through DescribeAlarms, the alias history) and a stale one is recorded and ignored, the alias untouched.
 */
@AwsEmulatorTest
class StaleTriggerIT {
    static final String EVENT_TRANSITION = "2024-03-15T10:02:41.321Z";
    static final String TEN_YEARS = Long.toString(Duration.ofDays(3653).toSeconds());

    RollbackEstate estate;

    JsonNode route(String event) {
        InvokeResponse response = estate.responder.invoke("IncidentRouter", event);
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        JsonNode routed = LocalResponder.json(response.payload().asUtf8String());
        assertThat(routed.path("outcome").asText()).as(routed.toString()).isEqualTo("STARTED");
        return routed;
    }

    /** The alarm event ran to its end: ignored, nothing changed, the why on the timeline and in the last notification. */
    void assertIgnored(AwsEmulator emulator, JsonNode routed, String why) {
        DescribeExecutionResponse execution = estate.responder.awaitExecution(routed.get("executionArn").asText(), Duration.ofSeconds(90));
        String incidentId = routed.get("incidentId").asText();
        List<TimelineEntry> timeline = estate.responder.ledger().timeline(incidentId);
        assertThat(execution.status()).as(execution.cause() + " " + timeline).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(estate.aliasVersion()).isEqualTo("3");
        assertThat(emulator.requests()).noneMatch(r -> r.action().equals("UpdateAlias"));
        assertThat(estate.responder.ledger().incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.IGNORED);
        assertThat(timeline).filteredOn(e -> e.action().equals("Ignore stale trigger")).singleElement()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo("ignored"))
                .satisfies(e -> assertThat(e.detail()).contains(why));
        List<JsonNode> notifications = estate.responder.notifications(); // (each call takes what arrived since the last)
        assertThat(notifications).extracting(n -> n.get("Subject").asText()).last().asString()
                .startsWith("[P2] Ignored: rollback-lambda-alias on checkout-api:live");
        assertThat(notifications).last().satisfies(n -> assertThat(n.get("Message").asText()).contains(why));
        // the lock was released by the normal path: the next incident may take the alias
        assertThat(estate.responder.ledger().acquireLock(estate.functionArn + ":live", "probe", Instant.now(), Instant.now().plusSeconds(5))
                .acquired()).isTrue();
    }

    @Test
    void alarm_should_changeNothingAndSayWhy_when_theAlarmIsAlreadyOk(AwsEmulator emulator) {
        // GIVEN a current event (any age allowed) whose alarm went back to OK before the playbook planned
        estate = RollbackEstate.deploy(emulator, Map.of("ALARM_MAX_AGE_SECONDS", TEN_YEARS));
        RollbackEstate.setAlarm(estate.cloudWatch, StateValue.OK);
        emulator.clearRequests();
        // WHEN the alarm event routes
        JsonNode routed = route(RepositoryFiles.read(RollbackEstate.ALARM_EVENT));
        // THEN it is recorded and ignored; plan-rollback itself asked CloudWatch (the IAM check sees its DescribeAlarms)
        assertIgnored(emulator, routed, "alarm " + RollbackEstate.ALARM + " is OK now");
        assertThat(emulator.requests()).anyMatch(r -> r.action().equals("DescribeAlarms")
                && (AwsEmulator.FUNCTION_ACCESS_KEY_PREFIX + "plan-rollback").equals(r.caller()));
    }

    @Test
    void alarm_should_changeNothing_when_theAliasMovedAfterTheAlarm(AwsEmulator emulator) {
        // GIVEN version 3 deployed (CloudTrail, in the alias history) after the alarm's transition: the alarm is about the old one
        estate = RollbackEstate.deploy(emulator, Map.of("ALARM_MAX_AGE_SECONDS", TEN_YEARS));
        estate.responder.ledger().recordAliasChange(new AliasChange(estate.functionArn + ":live", "3",
                Instant.parse(EVENT_TRANSITION).plusSeconds(60), "cloudtrail"));
        emulator.clearRequests();
        // WHEN the alarm event routes, the alarm still firing
        JsonNode routed = route(RepositoryFiles.read(RollbackEstate.ALARM_EVENT));
        // THEN nothing changed, and the timeline says the alias moved after the alarm
        assertIgnored(emulator, routed, "the alias moved to version 3 at 2024-03-15T10:03:41.321Z");
    }

    @Test
    void alarm_should_beRecordedAndIgnored_when_theEventIsOlderThanTheConfiguredAge(AwsEmulator emulator) {
        // GIVEN the deployment's default age limit (15 min) and the sample event from 2024 (a replay, a late async delivery)
        estate = RollbackEstate.deploy(emulator, Map.of("ALARM_MAX_AGE_SECONDS", "900"));
        emulator.clearRequests();
        // WHEN it routes, its alarm still firing
        JsonNode routed = route(RepositoryFiles.read(RollbackEstate.ALARM_EVENT));
        // THEN recorded and ignored, without reading the alarm
        assertIgnored(emulator, routed, "entered ALARM at " + EVENT_TRANSITION);
        assertThat(emulator.requests()).noneMatch(r -> r.action().equals("DescribeAlarms"));
    }

    @Test
    void manualRequest_should_stillRollBack_when_theAgeLimitWouldRefuseAnyAlarm(AwsEmulator emulator) {
        // GIVEN the same 15-minute limit and a manual request (from 2024 as well), no alarm in it
        estate = RollbackEstate.deploy(emulator, Map.of("ALARM_MAX_AGE_SECONDS", "900"));
        // WHEN it routes
        JsonNode routed = route(RepositoryFiles.read("events/manual/rollback-valid.json"));
        DescribeExecutionResponse execution = estate.responder.awaitExecution(routed.get("executionArn").asText(), Duration.ofSeconds(90));
        // THEN it acts: the alias steps back, the incident is left to people (no alarm to verify)
        assertThat(execution.status()).as(execution.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(estate.aliasVersion()).isEqualTo("2");
        assertThat(estate.responder.ledger().incident(routed.get("incidentId").asText())).get().extracting(i -> i.status())
                .isEqualTo(IncidentStatus.MONITORING);
        assertThat(estate.responder.ledger().timeline(routed.get("incidentId").asText())).extracting(TimelineEntry::action)
                .doesNotContain("Ignore stale trigger");
    }
}
