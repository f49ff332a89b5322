package com.drresponder.credentials;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * verify-rotation: last check of the credential playbook. Input {@code {incidentId, rotations[]}} (the rotation
 * Map's results); output {@link RotationVerifier.Verification}. Needs network access to the databases.
 */
public final class VerifyRotationHandler implements RequestStreamHandler {
    private final RotationVerifier verifier;

    public VerifyRotationHandler() {
        this(verifier(AwsClients.create(SecretsManagerClient.builder())));
    }

    private static RotationVerifier verifier(SecretsManagerClient secrets) {
        return new RotationVerifier(new SecretsManagerSecretStore(secrets), new JdbcPostgresPasswordChanger(),
                new RdsManagedSecretDatabases(secrets, AwsClients.create(software.amazon.awssdk.services.rds.RdsClient.builder())));
    }

    public VerifyRotationHandler(RotationVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Telemetry.handleJson(input, output, context, in -> verifier.verify(in.path("rotations")));
    }
}
