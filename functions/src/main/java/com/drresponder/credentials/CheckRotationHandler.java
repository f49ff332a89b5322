package com.drresponder.credentials;

import com.drresponder.common.Environment;
import com.drresponder.common.JsonStepHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.ledger.Heartbeat;
import com.drresponder.ledger.Lease;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * check-rotation: decides each step of one secret's rotation in the credential playbook (before RotateSecret,
 * after it, after each wait). Input: the rotation Map's item; output {@link RotationProgress.Status} with the timeline texts
 * of {@link RotationTimeline} (intent and undo before a RotateSecret, the outcome when done). Environment:
 * {@code ROTATION_MAX_CHECKS} (default 60; the state machine waits 5 s between checks). Reads only.
 */
public final class CheckRotationHandler extends JsonStepHandler {
    private final RotationProgress progress;
    private final Heartbeat heartbeat;

    public CheckRotationHandler() {
        this(new RotationProgress(new SecretsManagerSecretStore(AwsClients.create(SecretsManagerClient.builder())),
                CredentialSettings.from(Environment.variables()).rotationMaxChecks()), Lease.fromEnvironment());
    }

    /** {@code heartbeat}: each check renews the incident's lock (the item carries its {@code incidentId}). */
    public CheckRotationHandler(RotationProgress progress, Heartbeat heartbeat) {
        this.progress = progress;
        this.heartbeat = heartbeat;
    }

    @Override
    protected Object handle(JsonNode in) {
        heartbeat.renew(Json.text(in, "incidentId"));
        return RotationTimeline.withEntries(in, progress.check(in));
    }
}
