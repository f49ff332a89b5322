package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The config cut-over's decisions: derived from the recorded version, results with host/port deltas and version ids, never a value. */
class ConfigCutoverHandlerTest {
    static final String PASSWORD = "s3cr3t-in-the-secret";
    static final String OLD_URL = "postgresql://app:" + PASSWORD + "@orders.old:5432/orders";
    final SecretsManagerClient secrets = mock(SecretsManagerClient.class);
    final LambdaClient lambda = mock(LambdaClient.class);
    final ConfigCutoverHandler handler = new ConfigCutoverHandler(() -> secrets, () -> mock(SsmClient.class), () -> lambda);

    @Test
    @SuppressWarnings("unchecked")
    void secretApply_should_moveHostAndPortFromRecordedVersion_and_returnOnlyDeltasAndVersionIds() {
        // GIVEN the consumers' secret with its password, still at the recorded version
        ArgumentCaptor<Consumer<GetSecretValueRequest.Builder>> get = ArgumentCaptor.forClass(Consumer.class);
        when(secrets.getSecretValue(get.capture())).thenReturn(GetSecretValueResponse.builder().versionId("v-old")
                .secretString("{\"username\":\"app\",\"password\":\"" + PASSWORD + "\",\"host\":\"orders.old\",\"port\":5432}").build());
        when(secrets.describeSecret(any(Consumer.class))).thenReturn(DescribeSecretResponse.builder()
                .versionIdsToStages(Map.of("v-old", List.of("AWSCURRENT"))).build());
        ArgumentCaptor<Consumer<PutSecretValueRequest.Builder>> put = ArgumentCaptor.forClass(Consumer.class);
        when(secrets.putSecretValue(put.capture())).thenReturn(PutSecretValueResponse.builder().versionId("v-new").build());
        // WHEN the cut-over applies
        JsonNode result = (JsonNode) handler.handle(apply("v-old").<ObjectNode>set("cutoverConfig", Json.object().put("secretId", "orders/app")));
        // THEN it read the recorded version and wrote the copy's host with a token derived from incident and version
        GetSecretValueRequest.Builder read = GetSecretValueRequest.builder();
        get.getAllValues().get(0).accept(read);
        assertThat(read.build().versionId()).isEqualTo("v-old");
        PutSecretValueRequest.Builder asked = PutSecretValueRequest.builder();
        put.getValue().accept(asked);
        assertThat(asked.build().secretString()).contains("\"host\":\"orders-restored.new\"").contains("\"port\":5433").contains(PASSWORD);
        assertThat(asked.build().clientRequestToken()).isEqualTo(java.util.UUID.nameUUIDFromBytes("inc-1/orders/app/v-old".getBytes()).toString());
        // AND the result holds the change and the version keeping the old value, and no password
        assertThat(result.get("change").asText()).isEqualTo("host orders.old -> orders-restored.new, port 5432 -> 5433");
        assertThat(result.get("previousVersion").asText()).isEqualTo("v-old");
        assertThat(result.get("newVersion").asText()).isEqualTo("v-new");
        assertThat(result.get("undo").asText()).contains("--move-to-version-id v-old");
        assertThat(result.toString()).doesNotContain(PASSWORD);
    }

    @Test
    @SuppressWarnings("unchecked")
    void secretApply_should_refuse_when_someoneElseChangedTheSecretSinceTheRecord() {
        // GIVEN a secret whose current version is neither the recorded one nor our change (rotated meanwhile)
        when(secrets.getSecretValue(any(Consumer.class))).thenReturn(GetSecretValueResponse.builder()
                .secretString("{\"password\":\"" + PASSWORD + "\",\"host\":\"orders.other\"}").build());
        when(secrets.describeSecret(any(Consumer.class))).thenReturn(DescribeSecretResponse.builder()
                .versionIdsToStages(Map.of("v-rotated", List.of("AWSCURRENT"), "v-old", List.of())).build());
        // WHEN / THEN it refuses without writing, and the refusal names no value
        assertThatThrownBy(() -> handler.handle(apply("v-old").<ObjectNode>set("cutoverConfig", Json.object().put("secretId", "orders/app"))))
                .isInstanceOf(CutoverRefusedException.class).hasMessageContaining("changed since the cut-over was recorded")
                .message().doesNotContain(PASSWORD);
        verify(secrets, never()).putSecretValue(any(Consumer.class));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aliasedPlan_should_refuse_when_latestHasUnpublishedCode() {
        // GIVEN consumers behind alias live on version 4, while $LATEST holds other code
        when(lambda.getAlias(any(Consumer.class))).thenReturn(GetAliasResponse.builder().name("live").functionVersion("4").revisionId("r").build());
        when(lambda.getFunctionConfiguration(any(Consumer.class))).thenAnswer(call -> {
            GetFunctionConfigurationRequest.Builder b = GetFunctionConfigurationRequest.builder();
            ((Consumer<GetFunctionConfigurationRequest.Builder>) call.getArgument(0)).accept(b);
            boolean latest = "$LATEST".equals(b.build().qualifier());
            return GetFunctionConfigurationResponse.builder().version(latest ? "$LATEST" : "4").codeSha256(latest ? "new-code" : "old-code")
                    .environment(e -> e.variables(Map.of("DATABASE_URL", OLD_URL))).build();
        });
        // WHEN / THEN planning refuses: publishing would ship the unpublished code
        assertThatThrownBy(() -> handler.handle(plan(Json.object().put("functionName", "orders-api").put("variable", "DATABASE_URL").put("alias", "live"))))
                .isInstanceOf(CutoverRefusedException.class).hasMessageContaining("unpublished changes against version 4 (code or settings)");
        verify(lambda, never()).publishVersion(any(Consumer.class));
    }

    @Test
    @SuppressWarnings("unchecked")
    void unaliasedApply_should_setVariableFromRecordedVersion_and_neverReturnTheUrl() {
        // GIVEN an unaliased function whose recorded version 7 and $LATEST both hold the old URL
        when(lambda.getFunctionConfiguration(any(Consumer.class))).thenReturn(GetFunctionConfigurationResponse.builder().codeSha256("c")
                .environment(e -> e.variables(Map.of("DATABASE_URL", OLD_URL, "OTHER", "x"))).build());
        ArgumentCaptor<Consumer<UpdateFunctionConfigurationRequest.Builder>> update = ArgumentCaptor.forClass(Consumer.class);
        when(lambda.updateFunctionConfiguration(update.capture())).thenReturn(UpdateFunctionConfigurationResponse.builder().build());
        // WHEN the cut-over applies
        JsonNode result = (JsonNode) handler.handle(apply("7").<ObjectNode>set("cutoverConfig",
                Json.object().put("functionName", "orders-api").put("variable", "DATABASE_URL")));
        // THEN only the host changed, the other variables kept; the result names version 7 and no URL
        UpdateFunctionConfigurationRequest.Builder asked = UpdateFunctionConfigurationRequest.builder();
        update.getValue().accept(asked);
        assertThat(asked.build().environment().variables()).containsEntry("DATABASE_URL", "postgresql://app:" + PASSWORD + "@orders-restored.new:5432/orders")
                .containsEntry("OTHER", "x");
        assertThat(result.get("change").asText()).isEqualTo("host orders.old -> orders-restored.new");
        assertThat(result.get("previousVersion").asText()).isEqualTo("7");
        assertThat(result.toString()).doesNotContain(PASSWORD).doesNotContain("postgresql://");
        verify(lambda, never()).publishVersion(any(Consumer.class));
    }

    static ObjectNode apply(String previousVersion) {
        return Json.object().put("action", "apply").put("incidentId", "inc-1").put("previousVersion", previousVersion)
                .put("endpoint", "orders-restored.new").put("port", "5433");
    }

    static ObjectNode plan(ObjectNode cutoverConfig) {
        return Json.object().put("action", "plan").put("incidentId", "inc-1").set("cutoverConfig", cutoverConfig);
    }
}
