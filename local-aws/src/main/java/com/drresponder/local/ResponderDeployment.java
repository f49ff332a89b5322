package com.drresponder.local;

import com.drresponder.catalog.Catalog;
import com.drresponder.catalog.DeployableAsl;
import com.drresponder.catalog.Substitutions;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The responder's resources as {@code infra-cdk}'s {@code DrResponderStack} declares them, created with
 * plain SDK calls from the same {@link Catalog}: the ledger table (with the {@code byStatus} index), the
 * notification topic, every catalog function (same service names and handlers), every playbook's
 * {@code statemachines/<name>.asl.json} with the same substitutions, and the router last, with each
 * playbook's state machine ARN in its environment.
 *
 * <p>The one place local runs build the responder: {@code drctl local up|demo} and the emulator
 * integration tests both use it. Functions are created through a {@link FunctionFactory}, so the
 * emulator's Lambda host (or anything else) can serve them. Not used in AWS, where CDK deploys (the CLI
 * would otherwise pull jsii and node in to synthesize the template).
 */
public final class ResponderDeployment {
    public static final String TABLE = "dr-ledger";
    public static final String TOPIC = "dr-notifications";
    public static final String ROUTER = Catalog.RESPONDER.router().name();
    /*
     * The variable names the functions read (this module is not in the Lambda package and cannot see the functions'
     * constants, which functions' LocalDeploymentNamesTest pins these to): admission.Deployment.ACCOUNT_VARIABLE,
     * database.DatabaseTls.MODE_VARIABLE and DISABLE, restore.VerifyDatabaseHandler.LOCAL_ADDRESS, guard.GuardClock.FILE_VARIABLE.
     */
    static final String ACCOUNT_VARIABLE = "DR_ACCOUNT_ID";
    static final String DATABASE_TLS_VARIABLE = "DATABASE_TLS";
    static final String DATABASE_TLS_DISABLE = "disable";
    static final String LOCAL_DATABASE_ADDRESS_VARIABLE = "LOCAL_DATABASE_ADDRESS";
    static final String GUARD_CLOCK_FILE_VARIABLE = "LOCAL_GUARD_CLOCK_FILE";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Set by the deployment itself, from the table, topic and account it deploys into. */
    private static final Set<String> DEPLOYMENT_VARIABLES = Set.of("LEDGER_TABLE", "TOPIC_ARN", ACCOUNT_VARIABLE);

    /**
     * What the local deployment (and only it) sets for the functions that open database connections: its
     * PostgreSQL has no certificate ({@code DATABASE_TLS=disable}; the stack keeps the verify-full default),
     * and the emulator's RDS endpoints are no databases, so verification reaches the restored (or promoted) copy at
     * the local PostgreSQL at {@code address} ({@code host:port}; null leaves endpoints as they are); a source is still
     * reached at its verify secret's host, which the deployer wrote. Never part of a request.
     */
    public static Map<String, String> localDatabaseEnvironment(String address) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(DATABASE_TLS_VARIABLE, DATABASE_TLS_DISABLE);
        if (address != null) {
            env.put(LOCAL_DATABASE_ADDRESS_VARIABLE, address);
        }
        return env;
    }

    /**
     * The local-only variables besides the catalog's: {@link #localDatabaseEnvironment}'s, and the start guard's
     * movable refill clock ({@code guard.GuardClock}), since the emulator lets no time pass, and the poll loops' floor
     * and turn budget ({@code common.PollBudget}: POLL_FLOOR_SECONDS, POLL_MAX_TURNS), since the emulator's resources change at once.
     */
    private static final Set<String> LOCAL_VARIABLES = union(localDatabaseEnvironment("localhost:0").keySet(),
            Set.of(GUARD_CLOCK_FILE_VARIABLE, "POLL_FLOOR_SECONDS", "POLL_MAX_TURNS"));

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** Creates one function and returns its ARN. */
    @FunctionalInterface
    public interface FunctionFactory {
        String create(String name, String handler, Map<String, String> environment);
    }

    /**
     * What was deployed: function ARNs by service name, state machine ARNs by playbook, the common environment and
     * the substitutions every state machine got.
     */
    public record Deployed(String table, String topicArn, Map<String, String> functionArns, Map<String, String> stateMachineArns,
                           Map<String, String> environment, Map<String, String> substitutions) {
        public String routerArn() {
            return functionArns.get(ROUTER);
        }
    }

    private ResponderDeployment() {}

    /** Deploys {@link Catalog#RESPONDER}. */
    public static Deployed deploy(DynamoDbClient dynamo, SnsClient sns, SfnClient sfn, FunctionFactory functions,
                                  Path stateMachinesDir, String accountId,
                                  Map<String, String> environment, Map<String, String> parameters) {
        return deploy(Catalog.RESPONDER, dynamo, sns, sfn, functions, stateMachinesDir, accountId, environment, parameters);
    }

    /**
     * Deploys everything the catalog names. {@code environment}: the catalog's environment variables except
     * {@code LEDGER_TABLE}, {@code TOPIC_ARN} and {@code DR_ACCOUNT_ID} (set here), plus local-only ones from
     * {@link #localDatabaseEnvironment}; {@code parameters}: a value for each playbook parameter. Anything missing
     * or unknown fails before the first resource is created.
     */
    public static Deployed deploy(Catalog catalog, DynamoDbClient dynamo, SnsClient sns, SfnClient sfn, FunctionFactory functions,
                                  Path stateMachinesDir, String accountId, Map<String, String> environment, Map<String, String> parameters) {
        requireExactly("environment variables", environment.keySet(), catalog.environment(), DEPLOYMENT_VARIABLES, LOCAL_VARIABLES);
        Set<String> parameterNames = new TreeSet<>();
        catalog.playbooks().forEach(p -> parameterNames.addAll(p.parameters()));
        requireExactly("playbook parameters", parameters.keySet(), parameterNames, Set.of(), Set.of());
        createLedgerTable(dynamo, TABLE);
        String topicArn = sns.createTopic(b -> b.name(TOPIC)).topicArn();
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("LEDGER_TABLE", TABLE);
        env.put("TOPIC_ARN", topicArn);
        env.put(ACCOUNT_VARIABLE, accountId); // the stack sets the same from its own account
        Map<String, String> functionArns = new LinkedHashMap<>();
        for (Catalog.Function f : catalog.stepFunctions()) {
            functionArns.put(f.name(), create(functions, f, env));
        }
        Map<String, String> values = new TreeMap<>(parameters);
        catalog.stepFunctions().stream().filter(Catalog.Function::step).forEach(f -> values.put(f.substitution(), functionArns.get(f.name())));
        Map<String, String> stateMachines = new LinkedHashMap<>();
        for (Catalog.Playbook playbook : catalog.playbooks()) {
            stateMachines.put(playbook.name(), createStateMachine(sfn, stateMachinesDir, playbook, accountId, values));
        }
        Map<String, String> routerEnv = new LinkedHashMap<>(env);
        catalog.playbooks().forEach(p -> routerEnv.put(p.stateMachineEnvVar(), stateMachines.get(p.name())));
        functionArns.put(ROUTER, create(functions, catalog.router(), routerEnv));
        return new Deployed(TABLE, topicArn, functionArns, stateMachines, Map.copyOf(env), Map.copyOf(values));
    }

    /** One function with the environment the stack gives it: the common one plus Powertools' service name and namespace. */
    public static String create(FunctionFactory functions, Catalog.Function f, Map<String, String> environment) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("POWERTOOLS_SERVICE_NAME", f.name());
        env.put("POWERTOOLS_METRICS_NAMESPACE", Catalog.METRICS_NAMESPACE);
        return functions.create(f.name(), f.handler(), Map.copyOf(env));
    }

    /** A playbook's state machine from {@code statemachines/<name>.asl.json} with its timeout; a substitution without a value fails. */
    public static String createStateMachine(SfnClient sfn, Path stateMachinesDir, Catalog.Playbook playbook, String accountId,
                                            Map<String, String> substitutions) {
        return createStateMachine(sfn, stateMachinesDir, playbook, accountId, substitutions, null);
    }

    /**
     * As above, with {@code TimeoutSeconds} replaced by {@code timeoutSeconds} unless null: the emulator lets no time pass,
     * so a local run that wants to see a playbook time out configures a short one here.
     */
    public static String createStateMachine(SfnClient sfn, Path stateMachinesDir, Catalog.Playbook playbook, String accountId,
                                            Map<String, String> substitutions, Integer timeoutSeconds) {
        String definition;
        try {
            String text = DeployableAsl.load(playbook, stateMachinesDir).definition();
            if (timeoutSeconds != null) {
                ObjectNode tree = (ObjectNode) JSON.readTree(text);
                text = tree.put("TimeoutSeconds", timeoutSeconds).toString();
            }
            definition = Substitutions.apply(text, substitutions);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ASL of playbook " + playbook.name(), e);
        }
        return sfn.createStateMachine(b -> b.name(playbook.name()).definition(definition)
                .roleArn(playbookRoleArn(accountId))).stateMachineArn();
    }

    /** The role every local state machine runs as (an AccessDenied escalation names it). */
    public static String playbookRoleArn(String accountId) {
        return "arn:aws:iam::" + accountId + ":role/dr-playbooks";
    }

    private static void requireExactly(String what, Set<String> given, java.util.Collection<String> expected,
                                       Set<String> setHere, Set<String> allowedExtra) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(setHere);
        missing.removeAll(given);
        Set<String> unknown = new TreeSet<>(given);
        unknown.removeAll(expected);
        unknown.removeAll(allowedExtra);
        unknown.addAll(intersection(given, setHere));
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw new IllegalArgumentException("local deployment: " + what + " missing " + missing + ", not in the catalog or set here " + unknown);
        }
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> both = new TreeSet<>(a);
        both.retainAll(b);
        return both;
    }

    /** The ledger table as the stack defines it: {@code pk}/{@code sk}, GSI {@code byStatus} on {@code gsi1pk}/{@code gsi1sk}. */
    public static void createLedgerTable(DynamoDbClient dynamo, String table) {
        dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("gsi1pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("gsi1sk").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                .globalSecondaryIndexes(g -> g.indexName("byStatus")
                        .keySchema(k -> k.attributeName("gsi1pk").keyType(KeyType.HASH), k -> k.attributeName("gsi1sk").keyType(KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.ALL))));
    }
}
