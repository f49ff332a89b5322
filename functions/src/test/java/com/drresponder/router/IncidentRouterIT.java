package com.drresponder.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.events.RepositoryFiles;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * The deployed router function in the emulator: bad input fails the invocation with a specific message
 * (so Lambda retries it, then sends it to the router's on-failure destination) and changes nothing anywhere; dry-run records and
 * starts nothing.
 */
@AwsEmulatorTest
class IncidentRouterIT {
    static final String ROLLBACK_SM = "arn:aws:states:us-east-1:123456789012:stateMachine:rollback-lambda-alias";

    LocalResponder responder;

    @BeforeEach
    void deploy(AwsEmulator emulator) {
        responder = LocalResponder.create(emulator).env("ROLLBACK_STATE_MACHINE_ARN", ROLLBACK_SM)
                .function("RecordStep")
                .function("PlanRollback")
                .function("RecordRollback")
                .function("CheckAlarm")
                .function("IncidentRouter");
        responder.playbook("rollback-lambda-alias", Map.of());
        responder.notifications(); // drop the subscription confirmation, if any
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "truncated JSON|{\"version\":\"0\",\"id\":\"1\",\"detail-type\":\"CloudWatch Alarm State|event is not valid JSON",
        "wrong type|[1,2,3]|event must be a JSON object",
        "no detail|{\"id\":\"1\",\"source\":\"aws.cloudwatch\",\"detail-type\":\"CloudWatch Alarm State Change\",\"account\":\"1\",\"region\":\"us-east-1\",\"time\":\"t\"}|event has no \"detail\" object",
        "unknown source|{\"id\":\"1\",\"source\":\"aws.ec2\",\"detail-type\":\"EC2 Instance State-change Notification\",\"account\":\"1\",\"region\":\"us-east-1\",\"time\":\"t\",\"detail\":{}}|unsupported event: source \"aws.ec2\"",
        "invalid manual request|{\"id\":\"1\",\"source\":\"drresponder.manual\",\"detail-type\":\"Manual Playbook Request\",\"account\":\"123456789012\",\"region\":\"us-east-1\",\"time\":\"t\",\"detail\":{\"playbook\":\"rollback-lambda-alias\",\"functionName\":\"checkout-api\"}}|alias: is required",
        "scope-widening manual request|{\"id\":\"2\",\"source\":\"drresponder.manual\",\"detail-type\":\"Manual Playbook Request\",\"account\":\"123456789012\",\"region\":\"us-east-1\",\"time\":\"t\",\"detail\":{\"playbook\":\"respond-to-credential-compromise\",\"secretIds\":[\"orders-db/master\"],\"blockIps\":[\"0.0.0.0\"]}}|blockIps: is not accepted in a manual request: only a GuardDuty finding sets it",
        "caller-chosen lock key|{\"id\":\"3\",\"source\":\"drresponder.manual\",\"detail-type\":\"Manual Playbook Request\",\"account\":\"123456789012\",\"region\":\"us-east-1\",\"time\":\"t\",\"detail\":{\"playbook\":\"rollback-lambda-alias\",\"functionName\":\"checkout-api\",\"alias\":\"live\",\"lockKey\":\"free\"}}|lockKey: is not a known field of rollback-lambda-alias"
    })
    void router_should_failWithSpecificErrorAndChangeNothing_when_eventIsBad(String name, String event, String expected) {
        // WHEN the deployed router receives the bad event
        InvokeResponse response = responder.invoke("IncidentRouter", event);

        // THEN the invocation fails (Lambda's async retries, then the on-failure destination) with a message saying what is wrong
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(response.payload().asUtf8String()).contains("RejectedEventException").contains(expected.replace("\"", "\\\""));
        // AND the router's log names the event (id and source) with the reason, so an operator can find what was refused
        String identity = identity(event);
        assertThat(routerLog(responder)).filteredOn(line -> line.contains("event REJECTED (" + identity + ")"))
                .anySatisfy(line -> assertThat(line).contains(expected.replace("\"", "\\\"")));
        // AND nothing changed in the emulator: no ledger item, no execution, no notification
        assertThat(responder.dynamo.scan(b -> b.tableName(LocalResponder.TABLE)).count()).isZero();
        assertThat(responder.sfn.listExecutions(b -> b.stateMachineArn(ROLLBACK_SM)).executions()).isEmpty();
        assertThat(responder.notifications()).isEmpty();
    }

    /** {@code id <id>, source <source>} as the test reads the event ({@code unknown} where it cannot). */
    static String identity(String event) {
        try {
            com.fasterxml.jackson.databind.JsonNode root = LocalResponder.json(event);
            return "id " + root.path("id").asText("unknown") + ", source " + root.path("source").asText("unknown");
        } catch (java.io.UncheckedIOException e) {
            return "id unknown, source unknown";
        }
    }

    static java.util.List<String> routerLog(LocalResponder responder) {
        try {
            return java.nio.file.Files.readAllLines(responder.emulator.lambdaHost().logFile(com.drresponder.local.ResponderDeployment.ROUTER));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void router_should_recordPlanAndStartNothing_when_modeIsDryRun(AwsEmulator emulator) {
        // GIVEN the responder deployed in dry-run mode (the stack's default) and a protected function
        emulator.reset();
        responder = LocalResponder.create(emulator).env("ROLLBACK_STATE_MACHINE_ARN", ROLLBACK_SM).env("DR_MODE", "dry-run")
                .function("IncidentRouter");
        String fn = emulator.createJavaFunction("checkout-api", "example.Handler::handleRequest", Map.of());
        responder.lambda.tagResource(b -> b.resource(fn).tags(Map.of("dr:protected", "true")));

        // WHEN the alarm event arrives
        InvokeResponse response = responder.invoke("IncidentRouter", RepositoryFiles.read("events/samples/cloudwatch/lambda-errors-alarm.json"));

        // THEN the plan is on the timeline and announced, and no execution exists
        String incidentId = LocalResponder.json(response.payload().asUtf8String()).get("incidentId").asText();
        assertThat(LocalResponder.json(response.payload().asUtf8String()).get("outcome").asText()).isEqualTo("DRY_RUN");
        assertThat(responder.ledger().timeline(incidentId)).singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("Would start playbook rollback-lambda-alias on checkout-api:live"));
        assertThat(responder.notifications()).singleElement()
                .satisfies(n -> assertThat(n.get("Subject").asText()).isEqualTo("[P2] Dry run: rollback-lambda-alias on checkout-api:live"));
    }

    @Test
    void router_should_ignoreAndChangeNothing_when_alarmComesFromAnotherAccount(AwsEmulator emulator) {
        // GIVEN a protected function, and its alarm event as another account's bus would forward it
        String fn = emulator.createJavaFunction("checkout-api", "example.Handler::handleRequest", Map.of());
        responder.lambda.tagResource(b -> b.resource(fn).tags(Map.of("dr:protected", "true")));
        String event = RepositoryFiles.read("events/samples/cloudwatch/lambda-errors-alarm.json").replace("\"account\": \"123456789012\"",
                "\"account\": \"210987654321\"");
        // a warm router: its init primes the SDK with one ledger read (Priming), which no event causes
        responder.invoke("IncidentRouter", event);
        emulator.clearRequests();

        // WHEN the deployed router receives it
        InvokeResponse response = responder.invoke("IncidentRouter", event);

        // THEN it is ignored with the reason, and the router made no call at all (no tag read, no write)
        assertThat(response.functionError()).isNull();
        assertThat(LocalResponder.json(response.payload().asUtf8String()).get("reason").asText())
                .isEqualTo("event from account 210987654321 in us-east-1; this deployment acts only in account 123456789012 in us-east-1");
        assertThat(emulator.requests()).filteredOn(r -> !"test".equals(r.client()) && !r.action().equals("Invoke")).isEmpty();
        assertThat(responder.dynamo.scan(b -> b.tableName(LocalResponder.TABLE)).count()).isZero();
        assertThat(routerLog(responder)).filteredOn(line -> line.contains("event IGNORED (" + identity(event) + ")"))
                .anySatisfy(line -> assertThat(line).contains("this deployment acts only in account 123456789012"));
    }
}
