package com.drresponder.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.events.RepositoryFiles;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * A CodeDeploy-managed alias (function tagged {@code dr:codedeploy-group}) with a deployment of version 3 in flight:
 * the rollback playbook stops that deployment with rollback instead of updating the alias itself, CodeDeploy moves
 * the alias back (the emulator's launcher adds StopDeployment, which moto lacks), and the incident records that the
 * responder deferred to CodeDeploy, then resolves when the alarm clears.
 */
@AwsEmulatorTest
class CodeDeployRollbackIT {
    static final String APP = "checkout-app", GROUP = "checkout-live";

    @Test
    void rollback_should_stopTheInFlightDeploymentWithRollback_andNotUpdateTheAlias_when_codeDeployManagesIt(AwsEmulator emulator) {
        // GIVEN checkout-api:live on version 3 through an in-flight CodeDeploy deployment (2 -> 3), its alarm firing
        RollbackEstate estate = RollbackEstate.deploy(emulator, Duration.ofSeconds(60));
        estate.lambda.tagResource(b -> b.resource(estate.functionArn).tags(Map.of(PlanRollbackHandler.CODEDEPLOY_TAG, APP + "/" + GROUP)));
        codeDeploy(emulator, "CreateApplication", Map.of("applicationName", APP, "computePlatform", "Lambda"));
        codeDeploy(emulator, "CreateDeploymentGroup", Map.of("applicationName", APP, "deploymentGroupName", GROUP,
                "serviceRoleArn", "arn:aws:iam::" + emulator.accountId() + ":role/codedeploy",
                "deploymentConfigName", "CodeDeployDefault.LambdaLinear10PercentEvery1Minute"));
        String appSpec = Json.write(Map.of("version", 0.0, "Resources", java.util.List.of(Map.of("live", Map.of("Type", "AWS::Lambda::Function",
                "Properties", Map.of("Name", RollbackEstate.FUNCTION, "Alias", "live", "CurrentVersion", "2", "TargetVersion", "3"))))));
        String deploymentId = codeDeploy(emulator, "CreateDeployment", Map.of("applicationName", APP, "deploymentGroupName", GROUP,
                "revision", Map.of("revisionType", "AppSpecContent", "appSpecContent", Map.of("content", appSpec)))).path("deploymentId").asText();
        emulator.clearRequests();

        // WHEN the alarm reaches the router
        InvokeResponse response = estate.responder.invoke("IncidentRouter", RepositoryFiles.read(RollbackEstate.ALARM_EVENT));
        JsonNode routed = LocalResponder.json(response.payload().asUtf8String());
        assertThat(routed.path("outcome").asText()).as("%s", routed).isEqualTo("STARTED");
        String incidentId = routed.path("incidentId").asText();

        // THEN the playbook stops the deployment with rollback, and CodeDeploy (not the responder) moves the alias back
        awaitAlias(estate, "2");
        assertThat(codeDeploy(emulator, "GetDeployment", Map.of("deploymentId", deploymentId)).path("deploymentInfo").path("status").asText())
                .isEqualTo("Stopped");
        assertThat(emulator.requests()).filteredOn(r -> r.action().equals("StopDeployment")).hasSize(1);
        assertThat(emulator.requests()).filteredOn(r -> r.action().equals("UpdateAlias")).as("the responder never touches the alias").isEmpty();

        // WHEN the alarm clears
        RollbackEstate.setAlarm(estate.cloudWatch, StateValue.OK);

        // THEN the incident resolves, and its timeline says the responder deferred to CodeDeploy, with how to undo
        assertThat(estate.responder.awaitExecution(routed.path("executionArn").asText(), Duration.ofMinutes(2)).status())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(estate.responder.ledger().incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.RESOLVED);
        TimelineEntry stop = estate.responder.ledger().timeline(incidentId).stream().filter(e -> e.action().equals("Stop CodeDeploy deployment"))
                .findFirst().orElseThrow(() -> new AssertionError("no deferral on the timeline"));
        assertThat(stop.outcome()).isEqualTo("stopped with rollback");
        assertThat(stop.detail()).contains(deploymentId).contains("did not update the alias");
        assertThat(stop.undo()).contains("aws deploy create-deployment");
        assertThat(estate.responder.ledger().badVersions(estate.functionArn)).containsExactly("3");
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
