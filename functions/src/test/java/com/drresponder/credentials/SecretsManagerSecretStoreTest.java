package com.drresponder.credentials;

import com.drresponder.testing.SdkRequests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetRandomPasswordRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetRandomPasswordResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

@SuppressWarnings("unchecked")
class SecretsManagerSecretStoreTest {
    private final SecretsManagerClient client = mock(SecretsManagerClient.class);
    private final SecretsManagerSecretStore store = new SecretsManagerSecretStore(client);

    @Test
    void randomPassword_should_askForLengthAndExclusions_when_called() {
        // GIVEN
        when(client.getRandomPassword(any(Consumer.class))).thenReturn(GetRandomPasswordResponse.builder().randomPassword("x").build());
        // WHEN
        store.randomPassword(32, "/@\"'\\");
        // THEN
        GetRandomPasswordRequest request = SdkRequests.captured(GetRandomPasswordRequest.builder(), c -> verify(client).getRandomPassword(c.capture()));
        assertThat(request.passwordLength()).isEqualTo(32L);
        assertThat(request.excludeCharacters()).isEqualTo("/@\"'\\");
    }

    @Test
    void putPending_should_stageNewVersionWithToken_when_called() {
        // WHEN
        store.putPending("s", "tok", "{}");
        // THEN
        PutSecretValueRequest request = SdkRequests.captured(PutSecretValueRequest.builder(), c -> verify(client).putSecretValue(c.capture()));
        assertThat(request.clientRequestToken()).isEqualTo("tok");
        assertThat(request.versionStages()).containsExactly("AWSPENDING");
    }

    @Test
    void value_should_beEmpty_when_versionHasNoValueYet() {
        // GIVEN
        when(client.getSecretValue(any(Consumer.class))).thenThrow(ResourceNotFoundException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build()).build());
        // WHEN / THEN
        assertThat(store.value("s", "tok", "AWSPENDING")).isEmpty();
        GetSecretValueRequest request = SdkRequests.captured(GetSecretValueRequest.builder(), c -> verify(client).getSecretValue(c.capture()));
        assertThat(request.versionId()).isEqualTo("tok");
        assertThat(request.versionStage()).isEqualTo("AWSPENDING");
    }
}
