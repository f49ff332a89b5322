package com.drresponder.credentials;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Settings;
import com.drresponder.common.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * resolve-credential-targets: first step of the respond-to-credential-compromise state machine. Input: the
 * playbook input (routed GuardDuty finding or manual request); output: {@link CredentialTargets}. Reads only.
 * Environment: {@code PROTECTION_TAG_KEY} (default {@code dr:protected}), {@code PROTECTED_RESOURCES}.
 */
public final class ResolveTargetsHandler implements RequestStreamHandler {
    private final TargetResolver resolver;

    public ResolveTargetsHandler() {
        this(new TargetResolver(new SecretsManagerCatalog(AwsClients.create(SecretsManagerClient.builder())),
                System.getenv().getOrDefault("PROTECTION_TAG_KEY", "dr:protected"),
                Settings.commaList(System.getenv("PROTECTED_RESOURCES")), Clock.systemUTC()));
    }

    public ResolveTargetsHandler(TargetResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Telemetry.handleJson(input, output, context, in -> resolver.resolve(in));
    }
}
