package com.drresponder.rollback;

import com.drresponder.local.ResponderDeployment;
import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.events.RepositoryFiles;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulator.Fault;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * A CodeDeploy-managed alias (function tagged {@code dr:codedeploy-group}) with a deployment of version 3 in flight:
 * the rollback playbook stops that deployment with rollback instead of updating the alias itself, CodeDeploy moves
 * the alias back (the emulator's launcher adds StopDeployment, which moto lacks), and the incident records that the
 * responder deferred to CodeDeploy, then resolves when the alarm clears. The stop is preceded by a fenced write-ahead
 * record (the deployment and its undo survive an execution killed between the stop and its record), and IAM refusing
 * ListDeployments or StopDeployment escalates naming the action and the role.
 */
@AwsEmulatorTest
class CodeDeployRollbackIT {
    static final String APP = "checkout-app", GROUP = "checkout-live";
    static final String REDEPLOY = "redeploy through CodeDeploy (aws deploy create-deployment) once the fault in version 3 is fixed";

    AwsEmulator emulator;
    RollbackEstate estate;
    String deploymentId;

    @BeforeEach
    void deploy(AwsEmulator emulator) {
        // GIVEN checkout-api:live on version 3 through an in-flight CodeDeploy deployment (2 -> 3), its alarm firing
        this.emulator = emulator;
        estate = RollbackEstate.deploy(emulator, Duration.ofSeconds(60));
        estate.lambda.tagResource(b -> b.resource(estate.functionArn).tags(Map.of(RollbackPlanning.CODEDEPLOY_TAG, APP + "/" + GROUP)));
        codeDeploy(emulator, "CreateApplication", Map.of("applicationName", APP, "computePlatform", "Lambda"));
        codeDeploy(emulator, "CreateDeploymentGroup", Map.of("applicationName", APP, "deploymentGroupName", GROUP,
                "serviceRoleArn", "arn:aws:iam::" + emulator.accountId() + ":role/codedeploy",
                "deploymentConfigName", "CodeDeployDefault.LambdaLinear10PercentEvery1Minute"));
        String appSpec = Json.write(Map.of("version", 0.0, "Resources", List.of(Map.of("live", Map.of("Type", "AWS::Lambda::Function",
                "Properties", Map.of("Name", RollbackEstate.FUNCTION, "Alias", "live", "CurrentVersion", "2", "TargetVersion", "3"))))));
        deploymentId = codeDeploy(emulator, "CreateDeployment", Map.of("applicationName", APP, "deploymentGroupName", GROUP,
                "revision", Map.of("revisionType", "AppSpecContent", "appSpecContent", Map.of("content", appSpec)))).path("deploymentId").asText();
        emulator.clearRequests();
    }

    @Test
    void rollback_should_stopTheInFlightDeploymentWithRollback_andNotUpdateTheAlias_when_codeDeployManagesIt() {
        // WHEN the alarm reaches the router
        JsonNode routed = route();
        String incidentId = routed.path("incidentId").asText();

        // THEN the playbook stops the deployment with rollback, and CodeDeploy (not the responder) moves the alias back
        awaitAlias(estate, "2");
        assertThat(deploymentStatus()).isEqualTo("Stopped");
        assertThat(emulator.requests()).filteredOn(r -> r.action().equals("StopDeployment")).hasSize(1);
        assertThat(emulator.requests()).filteredOn(r -> r.action().equals("UpdateAlias")).as("the responder never touches the alias").isEmpty();

        // WHEN the alarm clears
        RollbackEstate.setAlarm(estate.cloudWatch, StateValue.OK);

        // THEN the incident resolves, and its timeline says the responder deferred to CodeDeploy, with how to undo
        assertThat(estate.responder.awaitExecution(routed.path("executionArn").asText(), Duration.ofMinutes(2)).status())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(estate.responder.ledger().incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.RESOLVED);
        List<TimelineEntry> stops = estate.responder.ledger().timeline(incidentId).stream()
                .filter(e -> e.action().equals("Stop CodeDeploy deployment")).toList();
        assertThat(stops).extracting(TimelineEntry::outcome).as("write-ahead intent, then the record").containsExactly("started", "stopped with rollback");
        assertIntent(stops.get(0));
        AwsEmulator.ApiRequest stop = emulator.requests().stream().filter(r -> r.action().equals("StopDeployment")).findFirst().orElseThrow();
        assertThat(stops.get(0).at()).as("the intent is recorded before the stop").isBeforeOrEqualTo(stop.at());
        assertThat(stops.get(1).detail()).contains(deploymentId).contains("did not update the alias");
        assertThat(stops.get(1).undo()).isEqualTo(REDEPLOY);
        assertThat(estate.responder.ledger().badVersions(estate.functionArn)).containsExactly("3");
    }

    @Test
    void killedBetweenStopAndRecord_should_leaveTheStopAndItsUndoOnTheTimeline() {
        // GIVEN the step that records the rollback cannot run (every invoke of record-rollback throttled, retried with backoff)
        emulator.injectFault(Fault.error("lambda", "Invoke", 429, "TooManyRequestsException").matching("function:record-rollback").always());

        // WHEN the alarm routes, the deployment is stopped, and the execution is killed while it retries the record
        JsonNode routed = route();
        String executionArn = routed.path("executionArn").asText();
        awaitAlias(estate, "2");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (emulator.requests().stream().noneMatch(r -> r.action().equals("Invoke") && "TooManyRequestsException".equals(r.fault()))) {
            assertThat(Instant.now()).as("record-rollback never invoked").isBefore(deadline);
            RollbackPlaybookIT.pause(50);
        }
        estate.responder.sfn.stopExecution(b -> b.executionArn(executionArn).error("Killed").cause("stopped between stop and record"));
        assertThat(estate.responder.awaitExecution(executionArn, Duration.ofSeconds(60)).status()).isIn(ExecutionStatus.ABORTED, ExecutionStatus.FAILED);

        // THEN the deployment is stopped and the timeline has it, with its undo, from the write-ahead record made before the stop
        assertThat(deploymentStatus()).isEqualTo("Stopped");
        assertThat(estate.responder.ledger().timeline(routed.path("incidentId").asText()))
                .filteredOn(e -> e.action().equals("Stop CodeDeploy deployment")).singleElement().satisfies(this::assertIntent);
    }

    @Test
    void lostStopResponse_should_beRecognisedAsStopped_andRecordedOnce() {
        // GIVEN CodeDeploy stopping the deployment (and rolling the alias back) but the answer never arriving
        emulator.injectFault(Fault.lostResponse("codedeploy", "StopDeployment"));

        // WHEN the alarm routes, the alias moves back, and the alarm clears
        JsonNode routed = route();
        awaitAlias(estate, "2");
        RollbackEstate.setAlarm(estate.cloudWatch, StateValue.OK);
        DescribeExecutionResponse execution = estate.responder.awaitExecution(routed.path("executionArn").asText(), Duration.ofMinutes(2));

        // THEN the retry met "already completed", GetDeployment found it Stopped, and the stop was recorded once:
        // not escalated, not failed, the alias never touched by the responder
        assertThat(execution.status()).as(execution.error() + " " + execution.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(emulator.requests()).filteredOn(r -> r.action().equals("StopDeployment")).extracting(AwsEmulator.ApiRequest::fault)
                .as("the stop that landed (answer lost), then its retry, refused as completed").containsExactly("InternalFailure", null);
        assertThat(emulator.requests()).filteredOn(r -> r.action().equals("GetDeployment") && r.client().equals("boto3")).hasSize(1);
        assertThat(emulator.requests()).filteredOn(r -> r.action().equals("UpdateAlias")).isEmpty();
        String incidentId = routed.path("incidentId").asText();
        assertThat(estate.responder.ledger().incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.RESOLVED);
        List<TimelineEntry> timeline = estate.responder.ledger().timeline(incidentId);
        assertThat(timeline).filteredOn(e -> e.action().equals("Stop CodeDeploy deployment")).extracting(TimelineEntry::outcome)
                .containsExactly("started", "stopped with rollback");
        assertThat(timeline).filteredOn(e -> e.outcome().equals("stopped with rollback")).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains(deploymentId).contains("answer was lost"));
        assertThat(timeline).extracting(TimelineEntry::outcome).doesNotContain("access denied", "failed");
        assertThat(deploymentStatus()).isEqualTo("Stopped");
        assertThat(estate.responder.ledger().badVersions(estate.functionArn)).containsExactly("3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ListDeployments", "StopDeployment"})
    void accessDenied_should_escalateNamingTheActionAndTheRole_andReleaseTheLock(String action) {
        // GIVEN IAM refusing the CodeDeploy call (the message names neither the action nor the role: the playbook must)
        emulator.injectFault(Fault.error("codedeploy", action, 403, "AccessDeniedException").message("Access denied").always());

        // WHEN the alarm routes
        JsonNode routed = route();
        DescribeExecutionResponse execution = estate.responder.awaitExecution(routed.path("executionArn").asText(), Duration.ofSeconds(120));

        // THEN it escalates (a retry cannot fix a missing grant), naming the action and the role; nothing was changed
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).as(execution.cause()).isEqualTo("AccessDenied");
        String incidentId = routed.path("incidentId").asText();
        String role = ResponderDeployment.playbookRoleArn(emulator.accountId());
        assertThat(estate.responder.ledger().timeline(incidentId)).last().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("access denied");
            assertThat(e.detail()).contains("codedeploy:" + action).contains(role).contains(APP + "/" + GROUP).contains("checkout-api:live")
                    .contains("nothing was changed");
        });
        assertThat(estate.responder.ledger().incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(estate.responder.notifications()).last().satisfies(n -> {
            assertThat(n.get("Subject").asText()).startsWith("[P2] Escalated");
            assertThat(n.get("Message").asText()).contains("codedeploy:" + action).contains(role);
        });
        assertThat(estate.responder.ledger().lock(estate.functionArn + ":live")).as("lock released").isEmpty();
        assertThat(deploymentStatus()).isNotEqualTo("Stopped");
        assertThat(estate.aliasVersion()).isEqualTo("3");
        assertThat(emulator.requests()).filteredOn(r -> r.action().equals("UpdateAlias")).isEmpty();
    }

    void assertIntent(TimelineEntry intent) {
        assertThat(intent.outcome()).isEqualTo("started");
        assertThat(intent.detail()).contains("Stopping CodeDeploy deployment " + deploymentId).contains("checkout-api:live")
                .contains("does not update the alias");
        assertThat(intent.undo()).isEqualTo(REDEPLOY);
    }

    JsonNode route() {
        InvokeResponse response = estate.responder.invoke("IncidentRouter", RepositoryFiles.read(RollbackEstate.ALARM_EVENT));
        JsonNode routed = LocalResponder.json(response.payload().asUtf8String());
        assertThat(routed.path("outcome").asText()).as("%s", routed).isEqualTo("STARTED");
        return routed;
    }

    String deploymentStatus() {
        return codeDeploy(emulator, "GetDeployment", Map.of("deploymentId", deploymentId)).path("deploymentInfo").path("status").asText();
    }

    static void awaitAlias(RollbackEstate estate, String version) {
        java.time.Instant deadline = java.time.Instant.now().plus(Duration.ofSeconds(90));
        while (!estate.aliasVersion().equals(version)) {
            assertThat(java.time.Instant.now()).as("alias never reached version " + version).isBefore(deadline);
            RollbackPlaybookIT.pause(200);
        }
    }

    /** A CodeDeploy call (JSON 1.1 protocol) to the emulator: the project has no CodeDeploy SDK module. */
    static JsonNode codeDeploy(AwsEmulator emulator, String action, Map<String, Object> body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/"))
                    .header("X-Amz-Target", "CodeDeploy_20141006." + action)
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + emulator.accessKey() + "/20260101/" + emulator.region()
                            + "/codedeploy/aws4_request, SignedHeaders=host, Signature=0")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
            HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(action + ": " + r.body()).isEqualTo(200);
            return LocalResponder.json(r.body().isEmpty() ? "{}" : r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
