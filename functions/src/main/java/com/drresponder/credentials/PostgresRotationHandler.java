package com.drresponder.credentials;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Environment;
import com.drresponder.common.Telemetry;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * secret-rotation: the rotation function of PostgreSQL secrets (RDS and Aurora PostgreSQL). Triggered by
 * Secrets Manager during RotateSecret, once per step: {@code {SecretId, ClientRequestToken, Step}} with Step
 * createSecret, setSecret, testSecret, finishSecret. Environment: {@code EXCLUDE_CHARACTERS} (default
 * {@code /@"'\}), {@code PASSWORD_LENGTH} (default 32). Logs names, versions and outcomes, never a value.
 */
public final class PostgresRotationHandler implements RequestHandler<Map<String, Object>, Map<String, String>> {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresRotationHandler.class);
    private final RotationSteps steps;

    public PostgresRotationHandler() {
        this(new RotationSteps(new SecretsManagerSecretStore(AwsClients.create(SecretsManagerClient.builder())),
                new JdbcPostgresPasswordChanger(), RotationSettings.from(Environment.variables())));
    }

    public PostgresRotationHandler(RotationSteps steps) {
        this.steps = steps;
    }

    @Override
    public Map<String, String> handleRequest(Map<String, Object> event, Context context) {
        RotationRequest request = RotationRequest.from(event);
        RotationSteps.Outcome outcome = Telemetry.invocation(context, () -> steps.run(request));
        LOG.info("rotation step {} of secret {} version {}: {}", request.step().wireName(), request.secretId(), request.token(), outcome);
        return Map.of("step", request.step().wireName(), "outcome", outcome.name());
    }
}
