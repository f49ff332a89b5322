package com.drresponder.credentials;

import com.drresponder.common.Environment;
import com.drresponder.common.JsonStepHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Settings;
import com.drresponder.ledger.DynamoDbLedger;
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
public final class ResolveTargetsHandler extends JsonStepHandler {
    private final TargetResolver resolver;

    public ResolveTargetsHandler() {
        this(CredentialSettings.from(Environment.variables()), Settings.fromEnvironment().ledgerTable());
    }

    private ResolveTargetsHandler(CredentialSettings settings, String ledgerTable) {
        this(new TargetResolver(new SecretsManagerCatalog(AwsClients.create(SecretsManagerClient.builder())),
                settings.protectionTagKey(), settings.protectedResources(), Clock.systemUTC(),
                new Cooldowns(new DynamoDbLedger(AwsClients.create(DynamoDbClient.builder()), ledgerTable), settings.cooldown(), Clock.systemUTC()),
                new IamUserCredentialsReader(AwsClients.create(IamClient.builder()))));
    }

    public ResolveTargetsHandler(TargetResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    protected Object handle(JsonNode in) {
        return resolver.resolve(in);
    }
}
