package com.drresponder.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.event.ruler.GenericMachine;

/**
 * Runs every event file under {@code events/samples} and {@code events/manual} through every rule pattern
 * under {@code events/rules} with event-ruler (the matcher EventBridge uses) and checks the exact set of
 * rules each event matches. A new event file must be classified in {@link #EXPECTED} or the build fails.
 */
class EventPatternsTest {

    private static final String LAMBDA_ALARMS = "lambda-alarms";
    private static final String RDS_EVENTS = "rds-events";
    private static final String GUARDDUTY_FINDINGS = "guardduty-findings";
    private static final String LAMBDA_ALIAS_CHANGES = "lambda-alias-changes";
    private static final String MANUAL_REQUESTS = "manual-requests";
    private static final String RDS_WAIT_EVENTS = "rds-wait-events";

    private static final Set<String> RULES = Set.of(
            LAMBDA_ALARMS, RDS_EVENTS, GUARDDUTY_FINDINGS, LAMBDA_ALIAS_CHANGES, MANUAL_REQUESTS, RDS_WAIT_EVENTS);

    /** Event file (relative to {@code events/}) -> the rules it must match, no more and no fewer. */
    private static final Map<String, Set<String>> EXPECTED = expectations();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static GenericMachine<String> machine;

    private static Map<String, Set<String>> expectations() {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        // CloudWatch: only transitions INTO ALARM, of Lambda metric alarms or composite alarms
        m.put("samples/cloudwatch/lambda-errors-alarm.json", Set.of(LAMBDA_ALARMS));
        m.put("samples/cloudwatch/lambda-errors-ok.json", Set.of());
        m.put("samples/cloudwatch/lambda-metric-math-alarm.json", Set.of(LAMBDA_ALARMS));
        m.put("samples/cloudwatch/composite-alarm.json", Set.of(LAMBDA_ALARMS));
        m.put("samples/cloudwatch/composite-alarm-actions-suppressed.json", Set.of(LAMBDA_ALARMS)); // the router ignores it, with the reason
        m.put("samples/cloudwatch/unprotected-function-alarm.json", Set.of(LAMBDA_ALARMS)); // scope is the router's job
        // RDS: failure, failover, low storage, storage-full shutdown; never restore/creation/restart
        m.put("samples/rds/orders-db-cluster-failover-failed.json", Set.of(RDS_EVENTS));
        m.put("samples/rds/orders-db-cluster-failover-completed.json", Set.of(RDS_EVENTS));
        m.put("samples/rds/orders-db-storage-low.json", Set.of(RDS_EVENTS));
        // ... which (creation, restoration, backup, configuration change) wake the restore's waits instead (rds-wait-events)
        m.put("samples/rds/orders-db-cluster-created-from-restore.json", Set.of(RDS_WAIT_EVENTS));
        m.put("samples/rds/orders-db-cluster-snapshot-created.json", Set.of(RDS_WAIT_EVENTS));
        m.put("samples/rds/billing-db-snapshot-created.json", Set.of(RDS_WAIT_EVENTS));
        m.put("samples/rds/orders-db-restored-instance-created.json", Set.of(RDS_WAIT_EVENTS));
        // a cluster rename is RDS-EVENT-0172, category notification (RDS documents no instance rename event)
        m.put("samples/rds/orders-db-cluster-renamed.json", Set.of(RDS_WAIT_EVENTS));
        m.put("samples/rds/billing-db-instance-failure.json", Set.of(RDS_EVENTS));
        m.put("samples/rds/payments-db-instance-failure.json", Set.of(RDS_EVENTS));
        m.put("samples/rds/billing-db-instance-storage-full.json", Set.of(RDS_EVENTS));
        m.put("samples/rds/billing-db-instance-storage-full-shutdown.json", Set.of(RDS_EVENTS));
        m.put("samples/rds/billing-db-instance-restored.json", Set.of(RDS_WAIT_EVENTS));
        m.put("samples/rds/billing-db-instance-restarted.json", Set.of());
        // GuardDuty: severity >= 4 reaches the router, which applies GUARDDUTY_MIN_SEVERITY on top
        m.put("samples/guardduty/iam-credential-exfiltration.json", Set.of(GUARDDUTY_FINDINGS));
        m.put("samples/guardduty/rds-anomalous-login.json", Set.of(GUARDDUTY_FINDINGS));
        m.put("samples/guardduty/rds-failed-login.json", Set.of(GUARDDUTY_FINDINGS));
        m.put("samples/guardduty/low-severity-recon.json", Set.of());
        // CloudTrail: successful alias changes, for alias history
        m.put("samples/cloudtrail/lambda-update-alias.json", Set.of(LAMBDA_ALIAS_CHANGES));
        // the stack's own playbook executions ending go to the finaliser's rule (infra-cdk), never to the router
        m.put("samples/stepfunctions/execution-aborted.json", Set.of());
        m.put("samples/stepfunctions/execution-timed-out.json", Set.of());
        m.put("samples/cloudtrail/lambda-create-alias.json", Set.of(LAMBDA_ALIAS_CHANGES));
        m.put("samples/cloudtrail/lambda-update-alias-denied.json", Set.of()); // failed call: alias unchanged
        // Manual requests: the rule matches valid and invalid alike; validation is the router's job
        for (String name : List.of("rollback-valid", "rollback-to-version-valid", "rollback-invalid-missing-alias",
                "rollback-invalid-version", "restore-valid", "restore-drill", "restore-invalid-time", "restore-invalid-both-ids",
                "respond-valid", "respond-invalid-empty", "respond-invalid-scope-widening", "failover-valid", "failover-invalid-unknown-field")) {
            m.put("manual/" + name + ".json", Set.of(MANUAL_REQUESTS));
        }
        return Map.copyOf(m);
    }

    @BeforeAll
    static void loadRules() throws Exception {
        machine = new GenericMachine<>();
        for (Path rule : RepositoryFiles.jsonFiles("events/rules")) {
            machine.addRule(ruleName(rule), Files.readString(rule));
        }
    }

    static Stream<String> eventFiles() {
        Path events = RepositoryFiles.resolve("events");
        return Stream.concat(
                        RepositoryFiles.jsonFiles("events/samples").stream(),
                        RepositoryFiles.jsonFiles("events/manual").stream())
                .map(p -> events.relativize(p).toString().replace('\\', '/'));
    }

    private static String ruleName(Path ruleFile) {
        String file = ruleFile.getFileName().toString();
        return file.substring(0, file.length() - ".json".length());
    }

    @Test
    @DisplayName("events/rules holds exactly the five rule patterns the CDK app deploys")
    void rulesDirectory_shouldHoldExactlyTheKnownRules_whenListed() {
        // GIVEN the rule directory
        // WHEN its files are listed
        Set<String> names = RepositoryFiles.jsonFiles("events/rules").stream()
                .map(EventPatternsTest::ruleName)
                .collect(Collectors.toSet());
        // THEN they are the known rules, one file each
        assertThat(names).isEqualTo(RULES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventFiles")
    @DisplayName("each event file matches exactly the rules its expectation lists")
    void rulesForJSONEvent_shouldMatchExactlyTheExpectedRules_whenGivenAnEventFile(String file) throws Exception {
        // GIVEN an event file that has been classified
        assertThat(EXPECTED)
                .as("events/%s has no expectation in EventPatternsTest.EXPECTED: classify it", file)
                .containsKey(file);
        String event = RepositoryFiles.read("events/" + file);
        // WHEN event-ruler evaluates all rule patterns against it
        Set<String> matched = new TreeSet<>(machine.rulesForJSONEvent(event));
        // THEN exactly the expected rules match
        assertThat(matched).as("rules matching events/%s", file).isEqualTo(new TreeSet<>(EXPECTED.get(file)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventFiles")
    @DisplayName("each event file carries the full EventBridge envelope for account 123456789012 in us-east-1")
    void eventFile_shouldCarryTheEventBridgeEnvelope_whenParsed(String file) throws IOException {
        // GIVEN an event file
        // WHEN it is parsed
        JsonNode event = JSON.readTree(RepositoryFiles.read("events/" + file));
        // THEN it has every envelope field EventBridge sets, with the documented types
        assertThat(event.path("version").asText()).isEqualTo("0");
        assertThat(event.path("id").asText()).isNotBlank();
        assertThat(event.path("detail-type").asText()).isNotBlank();
        assertThat(event.path("source").asText()).isNotBlank();
        assertThat(event.path("account").asText()).isEqualTo("123456789012");
        assertThat(event.path("time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
        assertThat(event.path("region").asText()).isEqualTo("us-east-1");
        assertThat(event.path("resources").isArray()).as("resources is an array").isTrue();
        assertThat(event.path("detail").isObject()).as("detail is an object").isTrue();
    }

    @Test
    @DisplayName("every expectation names an event file that exists")
    void expectations_shouldNameExistingFiles_whenCompared() {
        // GIVEN the event files on disk
        Set<String> files = eventFiles().collect(Collectors.toSet());
        // WHEN compared with the expectation table
        // THEN no expectation is stale
        assertThat(files).containsAll(EXPECTED.keySet());
    }

    @Test
    @DisplayName("every rule matches at least one sample, and every rule name in the table is a real rule")
    void rules_shouldEachMatchSomeSample_whenAllSamplesAreEvaluated() {
        // GIVEN the expectation table
        Set<String> used = new HashSet<>();
        EXPECTED.values().forEach(used::addAll);
        // WHEN the rules it mentions are collected
        // THEN they are exactly the deployed rules: no dead rule, no typo
        assertThat(used).isEqualTo(RULES);
    }
}
