package com.drresponder.credentials;

import com.drresponder.common.JsonStepHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.drresponder.common.AwsClients;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * verify-rotation: last check of the credential playbook. Input {@code {incidentId, rotations[]}} (the rotation
 * Map's results); output {@link RotationVerifier.Verification}. Needs network access to the databases.
 */
public final class VerifyRotationHandler extends JsonStepHandler {
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
    protected Object handle(JsonNode in) {
        return verifier.verify(in.path("rotations"));
    }
}
