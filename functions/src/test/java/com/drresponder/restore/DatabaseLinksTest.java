package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.drresponder.playbook.InvalidRequestException;
import com.drresponder.playbook.RestoreRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ListTagsForResourceRequest;
import software.amazon.awssdk.services.ssm.model.ListTagsForResourceResponse;
import software.amazon.awssdk.services.ssm.model.ResourceTypeForTagging;

/** What a restore request names besides the database must belong to it; cut-over targets must also be opted in. */
class DatabaseLinksTest {
    static final String ACCOUNT = "123456789012";
    static final SourceDatabase ORDERS = new SourceDatabase("cluster", "orders-db", "arn:aws:rds:us-east-1:" + ACCOUNT + ":cluster:orders-db",
            "available", "aurora-postgresql", "15.4", null, null, List.of(), null, null, null, Map.of(), false, false, false, null, null, null, false, List.of());
    final SecretsManagerClient secrets = mock(SecretsManagerClient.class);
    final SsmClient ssm = mock(SsmClient.class);
    final LambdaClient lambda = mock(LambdaClient.class);

    DatabaseLinks links(Set<String> allowList) {
        return new DatabaseLinks(() -> secrets, () -> ssm, () -> lambda, "dr:protected", allowList);
    }

    @SuppressWarnings("unchecked")
    void secretTagged(Map<String, String> tags) {
        DescribeSecretResponse.Builder r = DescribeSecretResponse.builder().arn("arn:aws:secretsmanager:us-east-1:" + ACCOUNT + ":secret:orders/app-AbCdEf");
        tags.forEach((k, v) -> r.tags(t -> t.key(k).value(v)));
        when(secrets.describeSecret(any(Consumer.class))).thenReturn(r.build());
    }

    @Test
    void requireSecretOf_should_accept_when_tagNamesTheDatabaseInAnyCase() {
        secretTagged(Map.of("dr:database", "Orders-DB"));
        assertThatCode(() -> links(Set.of()).requireSecretOf("verify.secretId", "orders/app", "orders-db")).doesNotThrowAnyException();
    }

    @Test
    void requireSecretOf_should_reject_when_secretHasNoDatabaseTag() {
        // GIVEN a protected secret that names no database (the attack borrowed any dr:protected secret)
        secretTagged(Map.of("dr:protected", "true"));
        // WHEN a restore of orders-db asks to log in with it THEN it is refused by field
        assertThatThrownBy(() -> links(Set.of("*")).requireSecretOf("verify.secretId", "orders/app", "orders-db"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("verify.secretId: secret orders/app does not belong to orders-db: its tag dr:database is missing");
    }

    @Test
    @SuppressWarnings("unchecked")
    void requireCutoverTarget_should_reject_when_parameterIsLinkedToAnotherDatabase() {
        ListTagsForResourceResponse tags = ListTagsForResourceResponse.builder()
                .tagList(t -> t.key("dr:protected").value("true"), t -> t.key("dr:database").value("payments-db")).build();
        ArgumentCaptor<Consumer<ListTagsForResourceRequest.Builder>> asked = ArgumentCaptor.forClass(Consumer.class);
        when(ssm.listTagsForResource(asked.capture())).thenReturn(tags);
        RestoreRequest.CutoverConfig config = new RestoreRequest.CutoverConfig(null, "/payments/database-url", null, null, null);
        assertThatThrownBy(() -> links(Set.of("*")).requireCutoverTarget(config, ORDERS))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("cutoverConfig.parameterName: arn:aws:ssm:us-east-1:" + ACCOUNT + ":parameter/payments/database-url does not belong to orders-db");
        ListTagsForResourceRequest.Builder request = ListTagsForResourceRequest.builder();
        asked.getValue().accept(request);
        assertThat(request.build().resourceType()).isEqualTo(ResourceTypeForTagging.PARAMETER);
        assertThat(request.build().resourceId()).isEqualTo("/payments/database-url");
    }

    @Test
    @SuppressWarnings("unchecked")
    void requireCutoverTarget_should_reject_when_linkedFunctionIsNotInAllowList() {
        String arn = "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:orders-api";
        when(lambda.getFunction(any(Consumer.class))).thenReturn(GetFunctionResponse.builder()
                .configuration(c -> c.functionArn(arn)).tags(Map.of("dr:protected", "true", "dr:database", "orders-db")).build());
        RestoreRequest.CutoverConfig config = new RestoreRequest.CutoverConfig(null, null, "orders-api", "DATABASE_URL", null);
        assertThatThrownBy(() -> links(Set.of("arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:other")).requireCutoverTarget(config, ORDERS))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("cutoverConfig.functionName: " + arn + " is not in the allow-list (PROTECTED_RESOURCES); a cut-over only changes opted-in configuration");
        assertThatCode(() -> links(Set.of(arn)).requireCutoverTarget(config, ORDERS)).doesNotThrowAnyException();
    }

    @Test
    void requireCutoverTarget_should_reject_when_linkedSecretIsNotOptedIn() {
        secretTagged(Map.of("dr:database", "orders-db"));
        RestoreRequest.CutoverConfig config = new RestoreRequest.CutoverConfig("orders/app", null, null, null, null);
        assertThatThrownBy(() -> links(Set.of("*")).requireCutoverTarget(config, ORDERS))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("is not tagged dr:protected=true");
    }
}
