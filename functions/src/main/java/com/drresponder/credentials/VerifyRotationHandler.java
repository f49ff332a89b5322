package com.drresponder.credentials;

import com.drresponder.common.Environment;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.restore.VerifyDatabaseHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.drresponder.common.AwsClients;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * verify-rotation: last check of the credential playbook. Input {@code {incidentId, rotations[]}} (the rotation
 * Map's results); output {@link RotationVerifier.Verification}. Needs network access to the databases. An RDS-managed
 * secret's database is found through RDS; the local deployment's {@code LOCAL_DATABASE_ADDRESS} replaces its endpoint.
 */
public final class VerifyRotationHandler extends JsonStepHandler {
    private final RotationVerifier verifier;

    public VerifyRotationHandler() {
        this(verifier(AwsClients.create(SecretsManagerClient.builder())));
    }

    private static RotationVerifier verifier(SecretsManagerClient secrets) {
        // only the local deployment sets LOCAL_DATABASE_ADDRESS: its RDS endpoints are no databases
        String local = Environment.text(Environment.variables(), VerifyDatabaseHandler.LOCAL_ADDRESS, null);
        return new RotationVerifier(new SecretsManagerSecretStore(secrets), new JdbcPostgresPasswordChanger(),
                new RdsManagedSecretDatabases(secrets, AwsClients.create(software.amazon.awssdk.services.rds.RdsClient.builder())).reachedAt(local));
    }

    public VerifyRotationHandler(RotationVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    protected Object handle(JsonNode in) {
        return verifier.verify(in.path("rotations"));
    }
}
