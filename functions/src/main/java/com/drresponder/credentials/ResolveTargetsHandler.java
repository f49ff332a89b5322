package com.drresponder.credentials;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Settings;
import com.drresponder.common.Telemetry;
import com.drresponder.ledger.DynamoDbLedger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * resolve-credential-targets: first step of the respond-to-credential-compromise state machine. Input: the
 * playbook input (routed GuardDuty finding or manual request); output: {@link CredentialTargets}. Reads only, except
 * the cooldowns it claims in the ledger. Environment: {@code PROTECTION_TAG_KEY} (default {@code dr:protected}),
 * {@code PROTECTED_RESOURCES}, {@code LEDGER_TABLE}, {@code CREDENTIAL_COOLDOWN_MINUTES} (default 30; 0 = off).
 */
public final class ResolveTargetsHandler implements RequestStreamHandler {
    private final TargetResolver resolver;

    public ResolveTargetsHandler() {
        this(new TargetResolver(new SecretsManagerCatalog(AwsClients.create(SecretsManagerClient.builder())),
                System.getenv().getOrDefault("PROTECTION_TAG_KEY", "dr:protected"),
                Settings.commaList(System.getenv("PROTECTED_RESOURCES")), Clock.systemUTC(),
                new Cooldowns(DynamoDbLedger.atInit(required("LEDGER_TABLE")),
                        Cooldowns.period(System.getenv("CREDENTIAL_COOLDOWN_MINUTES")), Clock.systemUTC()),
                new IamUserCredentialsReader(AwsClients.create(IamClient.builder()))));
    }

    private static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is required");
        }
        return value;
    }

    public ResolveTargetsHandler(TargetResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Telemetry.handleJson(input, output, context, in -> resolver.resolve(in));
    }
}
