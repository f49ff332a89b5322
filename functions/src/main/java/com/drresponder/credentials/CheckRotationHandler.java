package com.drresponder.credentials;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.Telemetry;
import com.drresponder.ledger.Heartbeat;
import com.drresponder.ledger.Lease;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * check-rotation: decides each step of one secret's rotation in the credential playbook (before RotateSecret,
 * after it, after each wait). Input: the rotation Map's item; output {@link RotationProgress.Status}. Environment:
 * {@code ROTATION_MAX_CHECKS} (default 60; the state machine waits 5 s between checks). Reads only.
 */
public final class CheckRotationHandler implements RequestStreamHandler {
    private final RotationProgress progress;
    private final Heartbeat heartbeat;

    public CheckRotationHandler() {
        this(new RotationProgress(new SecretsManagerSecretStore(AwsClients.create(SecretsManagerClient.builder())),
                Integer.parseInt(System.getenv().getOrDefault("ROTATION_MAX_CHECKS", "60"))), Lease.fromEnvironment());
    }

    /** {@code heartbeat}: each check renews the incident's lock (the item carries its {@code incidentId}). */
    public CheckRotationHandler(RotationProgress progress, Heartbeat heartbeat) {
        this.progress = progress;
        this.heartbeat = heartbeat;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Telemetry.handleJson(input, output, context, in -> {
            heartbeat.renew(Json.text(in, "incidentId"));
            return progress.check(in);
        });
    }
}
