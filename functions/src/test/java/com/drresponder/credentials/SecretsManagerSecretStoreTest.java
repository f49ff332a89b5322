package com.drresponder.credentials;

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
        ArgumentCaptor<Consumer<GetRandomPasswordRequest.Builder>> captor = ArgumentCaptor.forClass(Consumer.class);
        verify(client).getRandomPassword(captor.capture());
        GetRandomPasswordRequest.Builder request = GetRandomPasswordRequest.builder();
        captor.getValue().accept(request);
        assertThat(request.build().passwordLength()).isEqualTo(32L);
        assertThat(request.build().excludeCharacters()).isEqualTo("/@\"'\\");
    }

    @Test
    void putPending_should_stageNewVersionWithToken_when_called() {
        // WHEN
        store.putPending("s", "tok", "{}");
        // THEN
        ArgumentCaptor<Consumer<PutSecretValueRequest.Builder>> captor = ArgumentCaptor.forClass(Consumer.class);
        verify(client).putSecretValue(captor.capture());
        PutSecretValueRequest.Builder request = PutSecretValueRequest.builder();
        captor.getValue().accept(request);
        assertThat(request.build().clientRequestToken()).isEqualTo("tok");
        assertThat(request.build().versionStages()).containsExactly("AWSPENDING");
    }

    @Test
    void value_should_beEmpty_when_versionHasNoValueYet() {
        // GIVEN
        when(client.getSecretValue(any(Consumer.class))).thenThrow(ResourceNotFoundException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build()).build());
        // WHEN / THEN
        assertThat(store.value("s", "tok", "AWSPENDING")).isEmpty();
        ArgumentCaptor<Consumer<GetSecretValueRequest.Builder>> captor = ArgumentCaptor.forClass(Consumer.class);
        verify(client).getSecretValue(captor.capture());
        GetSecretValueRequest.Builder request = GetSecretValueRequest.builder();
        captor.getValue().accept(request);
        assertThat(request.build().versionId()).isEqualTo("tok");
        assertThat(request.build().versionStage()).isEqualTo("AWSPENDING");
    }
}
