package com.drresponder.cli;

import com.drresponder.catalog.Catalog;
import com.drresponder.ledger.DynamoDbLedger;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Where commands act: AWS (default credential chain and region; names from the stack's outputs, which
 * {@code DrResponderStack} declares: {@code LedgerTableName}, {@code RouterAliasArn},
 * {@code <Playbook>StateMachineArn}) or the local responder ({@code --local}, names from {@code .local/drctl.json}).
 */
final class Target implements AutoCloseable {
    private final SdkHttpClient http = UrlConnectionHttpClient.create();
    private final LocalState local;
    private final String region;
    private final String stack;
    private Map<String, String> outputs;
    private SfnClient sfn;
    private LambdaClient lambda;
    private DynamoDbClient dynamo;
    private EventBridgeClient events;

    private Target(LocalState local, String region, String stack) {
        this.local = local;
        this.region = region;
        this.stack = stack;
    }

    static Target local(java.nio.file.Path stateFile) {
        LocalState state = LocalState.read(stateFile);
        if (!state.ownerAlive()) {
            throw CliException.notFound("the local responder recorded in " + stateFile + " is not running (pid " + state.pid()
                    + " is gone): start one with `./drctl local up`");
        }
        return new Target(state, state.region(), null);
    }

    static Target local(LocalState state) {
        return new Target(state, state.region(), null);
    }

    static Target aws(String region, String stack) {
        return new Target(null, region, stack);
    }

    boolean isLocal() {
        return local != null;
    }

    LocalState localState() {
        return local;
    }

    <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        builder.httpClient(http);
        if (region != null) {
            builder.region(Region.of(region));
        }
        if (local != null) {
            builder.endpointOverride(URI.create(local.endpoint()))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
        }
        return builder.build();
    }

    SfnClient sfn() {
        return sfn == null ? sfn = client(SfnClient.builder()) : sfn;
    }

    LambdaClient lambda() {
        return lambda == null ? lambda = client(LambdaClient.builder()) : lambda;
    }

    DynamoDbClient dynamo() {
        return dynamo == null ? dynamo = client(DynamoDbClient.builder()) : dynamo;
    }

    EventBridgeClient events() {
        return events == null ? events = client(EventBridgeClient.builder()) : events;
    }

    DynamoDbLedger ledger() {
        return new DynamoDbLedger(dynamo(), ledgerTable());
    }

    String ledgerTable() {
        if (local != null) {
            return local.ledgerTable();
        }
        String env = System.getenv("DRCTL_LEDGER_TABLE");
        return env != null && !env.isBlank() ? env : output("LedgerTableName")
                .orElseThrow(() -> CliException.notFound("stack " + stack + " has no LedgerTableName output (set DRCTL_LEDGER_TABLE)"));
    }

    String routerFunction() {
        return local != null ? local.routerFunction() : output("RouterAliasArn")
                .orElseThrow(() -> CliException.notFound("stack " + stack + " has no RouterAliasArn output"));
    }

    /** The stack's manual-request bus: the only bus whose manual rule starts playbooks (operators only, by its policy). */
    String manualBus() {
        return output("ManualBusName")
                .orElseThrow(() -> CliException.notFound("stack " + stack + " has no ManualBusName output (deploy the current stack)"));
    }

    /** The playbook's state machine ARN, if deployed. */
    Optional<String> stateMachine(String playbook) {
        if (local != null) {
            return Optional.ofNullable(local.stateMachines().get(playbook));
        }
        return Catalog.RESPONDER.find(playbook).flatMap(p -> output(p.stateMachineOutput()));
    }

    String describe() {
        return local != null ? "the local responder at " + local.endpoint() : "stack " + stack;
    }

    private Optional<String> output(String key) {
        if (outputs == null) {
            outputs = new LinkedHashMap<>();
            try (CloudFormationClient cfn = client(CloudFormationClient.builder())) {
                cfn.describeStacks(b -> b.stackName(stack)).stacks().forEach(s ->
                        s.outputs().forEach(o -> outputs.put(o.outputKey(), o.outputValue())));
            } catch (CloudFormationException e) {
                if (e.getMessage() != null && e.getMessage().contains("does not exist")) {
                    throw CliException.notFound("stack " + stack + " not found in this account/region: deploy it (infra-cdk/README.md), "
                            + "pass --stack, or use --local");
                }
                throw e;
            }
        }
        return Optional.ofNullable(outputs.get(key));
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {sfn, lambda, dynamo, events}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing clients on exit
                }
            }
        }
        http.close();
    }
}
