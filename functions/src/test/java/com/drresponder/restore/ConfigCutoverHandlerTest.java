package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The config cut-over's result (state output, history, timeline) carries host/port deltas and version ids, never a value. */
class ConfigCutoverHandlerTest {
    static final String PASSWORD = "s3cr3t-in-the-secret";
    final SecretsManagerClient secrets = mock(SecretsManagerClient.class);
    final LambdaClient lambda = mock(LambdaClient.class);
    final ConfigCutoverHandler handler = new ConfigCutoverHandler(() -> secrets, () -> mock(SsmClient.class), () -> lambda);

    @Test
    @SuppressWarnings("unchecked")
    void secret_should_moveHostAndPort_and_returnOnlyDeltasAndVersionIds() {
        // GIVEN the consumers' secret with its password
        when(secrets.getSecretValue(any(Consumer.class))).thenReturn(GetSecretValueResponse.builder().versionId("v-old")
                .secretString("{\"username\":\"app\",\"password\":\"" + PASSWORD + "\",\"host\":\"orders.old\",\"port\":5432}").build());
        ArgumentCaptor<Consumer<PutSecretValueRequest.Builder>> put = ArgumentCaptor.forClass(Consumer.class);
        when(secrets.putSecretValue(put.capture())).thenReturn(PutSecretValueResponse.builder().versionId("v-new").build());
        ObjectNode event = Json.object().put("endpoint", "orders-restored.new").put("port", "5433");
        event.putObject("cutoverConfig").put("secretId", "orders/app");
        // WHEN the cut-over runs
        JsonNode result = (JsonNode) handler.handle(event);
        // THEN the secret now names the copy, keeping its password
        PutSecretValueRequest.Builder asked = PutSecretValueRequest.builder();
        put.getValue().accept(asked);
        assertThat(asked.build().secretString()).contains("\"host\":\"orders-restored.new\"").contains("\"port\":5433").contains(PASSWORD);
        // AND the result holds the change and the version keeping the old value, and no password
        assertThat(result.get("change").asText()).isEqualTo("host orders.old -> orders-restored.new, port 5432 -> 5433");
        assertThat(result.get("previousVersion").asText()).isEqualTo("v-old");
        assertThat(result.get("newVersion").asText()).isEqualTo("v-new");
        assertThat(result.get("undo").asText()).contains("--move-to-version-id v-old");
        assertThat(result.toString()).doesNotContain(PASSWORD);
    }

    @Test
    @SuppressWarnings("unchecked")
    void lambdaVariable_should_publishOldConfiguration_and_neverReturnTheUrl() {
        String oldUrl = "postgresql://app:" + PASSWORD + "@orders.old:5432/orders";
        when(lambda.getFunctionConfiguration(any(Consumer.class))).thenReturn(GetFunctionConfigurationResponse.builder()
                .environment(e -> e.variables(Map.of("DATABASE_URL", oldUrl, "OTHER", "x"))).build());
        when(lambda.publishVersion(any(Consumer.class))).thenReturn(PublishVersionResponse.builder().version("7").build());
        ArgumentCaptor<Consumer<UpdateFunctionConfigurationRequest.Builder>> update = ArgumentCaptor.forClass(Consumer.class);
        when(lambda.updateFunctionConfiguration(update.capture())).thenReturn(UpdateFunctionConfigurationResponse.builder().build());
        ObjectNode event = Json.object().put("endpoint", "orders-restored.new").put("port", "5432");
        event.putObject("cutoverConfig").put("functionName", "orders-api").put("variable", "DATABASE_URL");
        JsonNode result = (JsonNode) handler.handle(event);
        UpdateFunctionConfigurationRequest.Builder asked = UpdateFunctionConfigurationRequest.builder();
        update.getValue().accept(asked);
        assertThat(asked.build().environment().variables()).containsEntry("DATABASE_URL", "postgresql://app:" + PASSWORD + "@orders-restored.new:5432/orders")
                .containsEntry("OTHER", "x");
        assertThat(result.get("change").asText()).isEqualTo("host orders.old -> orders-restored.new");
        assertThat(result.get("previousVersion").asText()).isEqualTo("7");
        assertThat(result.toString()).doesNotContain(PASSWORD).doesNotContain("postgresql://");
    }
}
