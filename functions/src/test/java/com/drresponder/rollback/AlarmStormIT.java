package com.drresponder.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.rollback.AlarmStorm.Kind;
import com.drresponder.rollback.AlarmStorm.Routed;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * 1,000 alarm events in under a minute against 20 protected aliases (duplicates, out of order, flapping,
 * unprotected twins, hostile events): exactly one rollback per protected alias, nothing on the twins,
 * every incident resolved, no lock left, and every event accounted for, by the router and in the ledger.
 */
@AwsEmulatorTest
class AlarmStormIT {
    static final Map<String, String> ENV = Map.of("VERIFY_WINDOW_SECONDS", "900", "VERIFY_POLL_SECONDS", "3");

    @Test
    void storm_should_rollEachProtectedAliasBackExactlyOnce_when_thousandEventsArriveInAMinute(AwsEmulator emulator) throws Exception {
        // GIVEN 20 protected aliases and 20 unprotected twins, every alarm firing
        AlarmStorm storm = AlarmStorm.deploy(emulator, ENV);
        List<AlarmStorm.Delivery> events = storm.events(16);
        emulator.clearRequests();

        // WHEN 1,000 deliveries reach the router, spread over 50 s by 16 senders
        List<Routed> routed = storm.send(events, Duration.ofSeconds(50), 16);

        // THEN every event is accounted for by what it is
        Map<Kind, Map<String, Long>> byKind = routed.stream().collect(Collectors.groupingBy(r -> r.delivery().kind(), TreeMap::new,
                Collectors.groupingBy(Routed::outcome, TreeMap::new, Collectors.counting())));
        assertThat(byKind.get(Kind.ALARM).keySet()).as("%s", byKind).isSubsetOf("STARTED", "JOINED", "DUPLICATE");
        assertThat(byKind.get(Kind.ALARM).get("STARTED")).as("%s", byKind).isEqualTo(AlarmStorm.ALIASES);
        assertThat(byKind.get(Kind.OK)).as("%s", byKind).containsOnlyKeys("IGNORED");
        assertThat(byKind.get(Kind.TWIN)).as("%s", byKind).containsOnlyKeys("IGNORED");
        assertThat(byKind.get(Kind.FORGED)).as("%s", byKind).containsOnlyKeys("REJECTED");
        assertThat(byKind.get(Kind.NAMELESS)).as("%s", byKind).containsOnlyKeys("REJECTED");
        assertThat(routed).hasSize(AlarmStorm.EVENTS);
        Map<String, String> incidentByFunction = routed.stream().filter(r -> r.outcome().equals("STARTED"))
                .collect(Collectors.toMap(r -> r.delivery().function(), Routed::incidentId));
        assertThat(incidentByFunction).containsOnlyKeys(storm.functions);
        routed.stream().filter(r -> r.delivery().kind() == Kind.ALARM).forEach(r -> assertThat(r.incidentId())
                .as("joined or duplicate names the incident that holds its alias").isEqualTo(incidentByFunction.get(r.delivery().function())));

        // AND each protected alias moved once, to version 2; no twin was touched
        awaitRolledBack(storm, Duration.ofMinutes(3));
        List<AwsEmulator.ApiRequest> updates = emulator.requests().stream().filter(r -> r.action().equals("UpdateAlias")).toList();
        assertThat(updates).hasSize(AlarmStorm.ALIASES);
        assertThat(updates).extracting(AlarmStorm::functionOf).containsExactlyInAnyOrderElementsOf(storm.functions);
        storm.twins.forEach(twin -> assertThat(storm.aliasVersion(twin)).as(twin).isEqualTo("3"));

        // WHEN the storm is over and the alarms clear
        storm.clearAlarms();

        // THEN all 20 incidents resolve, with no further change and no lock left
        String stateMachine = storm.responder.stateMachineArns.get("rollback-lambda-alias");
        List<ExecutionListItem> executions = storm.responder.sfn.listExecutionsPaginator(b -> b.stateMachineArn(stateMachine))
                .executions().stream().toList();
        assertThat(executions).hasSize(AlarmStorm.ALIASES);
        for (ExecutionListItem e : executions) {
            assertThat(storm.responder.awaitExecution(e.executionArn(), Duration.ofMinutes(2)).status()).as(e.name())
                    .isEqualTo(ExecutionStatus.SUCCEEDED);
        }
        DynamoDbLedger ledger = storm.responder.ledger();
        incidentByFunction.values().forEach(id -> assertThat(ledger.incident(id)).get().extracting(i -> i.status())
                .as(id).isEqualTo(IncidentStatus.RESOLVED));
        assertThat(items(storm, "LOCK")).as("locks left").isEmpty();
        assertThat(items(storm, "META")).as("incidents in the ledger").hasSize(AlarmStorm.ALIASES);
        assertThat(emulator.requests().stream().filter(r -> r.action().equals("UpdateAlias"))).hasSize(AlarmStorm.ALIASES);

        // AND every joined trigger is on its incident's timeline
        long joined = byKind.get(Kind.ALARM).getOrDefault("JOINED", 0L);
        long joinedOnTimelines = incidentByFunction.values().stream()
                .mapToLong(id -> ledger.timeline(id).stream().map(TimelineEntry::action).filter("Trigger joined"::equals).count()).sum();
        assertThat(joinedOnTimelines).isEqualTo(joined);
    }

    static void awaitRolledBack(AlarmStorm storm, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (String fn : storm.functions) {
            while (!storm.aliasVersion(fn).equals("2")) {
                assertThat(Instant.now()).as(fn + " never rolled back").isBefore(deadline);
                RollbackPlaybookIT.pause(200);
            }
        }
    }

    /** Ledger items with this sort key (META: incidents, LOCK: resource locks). */
    static List<Map<String, AttributeValue>> items(AlarmStorm storm, String sortKey) {
        return storm.responder.dynamo.scanPaginator(b -> b.tableName(com.drresponder.testing.LocalResponder.TABLE).filterExpression("sk = :sk")
                .expressionAttributeValues(Map.of(":sk", AttributeValue.fromS(sortKey)))).items().stream().toList();
    }
}
