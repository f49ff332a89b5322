package com.drresponder.local;

import com.drresponder.admission.Deployment;
import com.drresponder.common.Json;
import com.drresponder.common.Settings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The responder's resources as {@code infra-cdk}'s {@code DrResponderStack} declares them, created with
 * plain SDK calls: the ledger table (with the {@code byStatus} index), the notification topic, the Java
 * functions (same service names and handlers), every {@code statemachines/*.asl.json} with the same
 * {@code definitionSubstitutions} names, and the router last, with each playbook's ARN in its environment.
 *
 * <p>The one place local runs build the responder: {@code drctl local up|demo} and the emulator
 * integration tests ({@code LocalResponder}) both use it. Functions are created through a
 * {@link FunctionFactory}, so the emulator's Lambda host (or anything else) can serve them. Not used in
 * AWS, where CDK deploys (the CLI would otherwise pull jsii and node in to synthesize the template).
 */
public final class ResponderDeployment {
    public static final String TABLE = "dr-ledger";
    public static final String TOPIC = "dr-notifications";
    public static final String ROUTER = "incident-router";
    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");
    private static final String SUFFIX = ".asl.json";

    /** A function of the stack: service name (also the local function name), logical id (substitution {@code <id>FunctionArn}), handler. */
    public record FunctionSpec(String name, String logicalId, String handler) {}

    /** The playbook step functions, in {@code DrResponderStack}'s order; the router is created after the state machines. */
    public static final List<FunctionSpec> STEP_FUNCTIONS = List.of(
            new FunctionSpec("record-step", "RecordStep", "com.drresponder.timeline.RecordStepHandler::handleRequest"),
            new FunctionSpec("plan-rollback", "PlanRollback", "com.drresponder.rollback.PlanRollbackHandler::handleRequest"),
            new FunctionSpec("check-alarm", "CheckAlarm", "com.drresponder.rollback.CheckAlarmHandler::handleRequest"),
            new FunctionSpec("record-rollback", "RecordRollback", "com.drresponder.rollback.RecordRollbackHandler::handleRequest"),
            new FunctionSpec("secret-rotation", "SecretRotation", "com.drresponder.credentials.PostgresRotationHandler::handleRequest"),
            new FunctionSpec("resolve-credential-targets", "ResolveTargets", "com.drresponder.credentials.ResolveTargetsHandler::handleRequest"),
            new FunctionSpec("check-rotation", "CheckRotation", "com.drresponder.credentials.CheckRotationHandler::handleRequest"),
            new FunctionSpec("merge-ip-set", "MergeIpSet", "com.drresponder.credentials.MergeIpSetHandler::handleRequest"),
            new FunctionSpec("verify-rotation", "VerifyRotation", "com.drresponder.credentials.VerifyRotationHandler::handleRequest"),
            new FunctionSpec("validate-restore", "ValidateRestore", "com.drresponder.restore.ValidateRestoreHandler::handleRequest"),
            new FunctionSpec("check-progress", "CheckProgress", "com.drresponder.restore.CheckProgressHandler::handleRequest"),
            new FunctionSpec("verify-database", "VerifyDatabase", "com.drresponder.restore.VerifyDatabaseHandler::handleRequest"),
            new FunctionSpec("request-approval", "RequestApproval", "com.drresponder.restore.RequestApprovalHandler::handleRequest"),
            new FunctionSpec("check-approval", "CheckApproval", "com.drresponder.restore.ApprovalDecisionHandler::handleRequest"),
            new FunctionSpec("config-cutover", "ConfigCutover", "com.drresponder.restore.ConfigCutoverHandler::handleRequest"),
            new FunctionSpec("delete-drill-copy", "DeleteDrillCopy", "com.drresponder.restore.DeleteDrillCopyHandler::handleRequest"),
            new FunctionSpec("recovery-metrics", "RecoveryMetrics", "com.drresponder.restore.RecoveryMetricsHandler::handleRequest"));
    public static final FunctionSpec ROUTER_FUNCTION =
            new FunctionSpec(ROUTER, "IncidentRouter", "com.drresponder.router.IncidentRouterHandler::handleRequest");

    /**
     * What the local deployment (and only it) sets for the functions that open database connections: its
     * PostgreSQL has no certificate ({@code DATABASE_TLS=disable}; the stack keeps the verify-full default),
     * and the emulator's RDS endpoints are no databases, so verification reaches the local PostgreSQL at
     * {@code address} ({@code host:port}; null leaves endpoints as they are). Never part of a request.
     */
    public static Map<String, String> localDatabaseEnvironment(String address) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(com.drresponder.database.DatabaseTls.MODE_VARIABLE, com.drresponder.database.DatabaseTls.DISABLE);
        if (address != null) {
            env.put(com.drresponder.restore.VerifyDatabaseHandler.LOCAL_ADDRESS, address);
        }
        return env;
    }

    /** Creates one function and returns its ARN. */
    @FunctionalInterface
    public interface FunctionFactory {
        String create(String name, String handler, Map<String, String> environment);
    }

    /** What was deployed. {@code skipped}: playbook -> why it was not created (e.g. a function it needs is not known here). */
    public record Deployed(String table, String topicArn, Map<String, String> functionArns, Map<String, String> stateMachineArns,
                           Map<String, String> skipped, Map<String, String> environment) {
        public String routerArn() {
            return functionArns.get(ROUTER);
        }
    }

    private ResponderDeployment() {}

    /**
     * Deploys everything. {@code environment} is the functions' common environment without {@code LEDGER_TABLE}
     * and {@code TOPIC_ARN} (added here); {@code settings} are the extra substitution values (e.g. {@code DrMode}).
     */
    public static Deployed deploy(DynamoDbClient dynamo, SnsClient sns, SfnClient sfn, FunctionFactory functions,
                                  Path stateMachinesDir, String region, String accountId,
                                  Map<String, String> environment, Map<String, String> settings) {
        createLedgerTable(dynamo, TABLE);
        String topicArn = sns.createTopic(b -> b.name(TOPIC)).topicArn();
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("LEDGER_TABLE", TABLE);
        env.put("TOPIC_ARN", topicArn);
        env.put(Deployment.ACCOUNT_VARIABLE, accountId); // the stack sets the same from its own account
        Map<String, String> functionArns = new LinkedHashMap<>();
        for (FunctionSpec f : STEP_FUNCTIONS) {
            functionArns.put(f.name(), functions.create(f.name(), f.handler(), Map.copyOf(env)));
        }
        Map<String, String> values = substitutions(functionArns, topicArn, region, accountId, settings);
        Map<String, String> stateMachines = new LinkedHashMap<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        String roleArn = "arn:aws:iam::" + accountId + ":role/dr-playbooks";
        for (Path file : playbookFiles(stateMachinesDir)) {
            String name = file.getFileName().toString().replace(SUFFIX, "");
            String definition;
            try {
                definition = substitute(definition(file), values);
            } catch (IllegalArgumentException e) {
                skipped.put(name, e.getMessage());
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String def = definition;
            stateMachines.put(name, sfn.createStateMachine(b -> b.name(name).definition(def).roleArn(roleArn)).stateMachineArn());
        }
        Map<String, String> routerEnv = new LinkedHashMap<>(env);
        stateMachines.forEach((name, arn) -> routerEnv.put(stateMachineEnvVar(name), arn));
        functionArns.put(ROUTER, functions.create(ROUTER, ROUTER_FUNCTION.handler(), Map.copyOf(routerEnv)));
        return new Deployed(TABLE, topicArn, functionArns, stateMachines, skipped, env);
    }

    /** The router's variable for a playbook's ARN ({@code Settings}'s names; the stack's upper-snake fallback otherwise). */
    public static String stateMachineEnvVar(String playbook) {
        try {
            return Settings.envVarForPlaybook(playbook);
        } catch (IllegalArgumentException e) {
            return playbook.replaceAll("[^A-Za-z0-9]+", "_").toUpperCase(java.util.Locale.ROOT) + "_STATE_MACHINE_ARN";
        }
    }

    /** The substitution map the stack's {@code substitutions()} builds, from local values. */
    public static Map<String, String> substitutions(Map<String, String> functionArns, String topicArn, String region,
                                                    String accountId, Map<String, String> settings) {
        Map<String, String> m = new TreeMap<>();
        for (FunctionSpec f : STEP_FUNCTIONS) {
            if (functionArns.containsKey(f.name())) {
                m.put(f.logicalId() + "FunctionArn", functionArns.get(f.name()));
            }
        }
        m.put("LedgerTableName", TABLE);
        m.put("TopicArn", topicArn);
        m.put("Region", region);
        m.put("AccountId", accountId);
        m.put("Partition", "aws");
        m.putAll(settings);
        return m;
    }

    /** Replaces every {@code ${Name}}; an unknown name fails, as CloudFormation would. */
    public static String substitute(String template, Map<String, String> values) {
        Matcher m = SUBSTITUTION.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for substitution ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
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

    /** The playbook's timeouts table, next to the ASL files; {@code DrResponderStack} applies the same file. */
    public static final String TIMEOUTS = "timeouts.json";

    /**
     * A playbook's ASL as deployed: the file with the top-level {@code TimeoutSeconds} from {@value #TIMEOUTS}
     * (substitutions still in place). A playbook missing from the table fails: every state machine has a timeout.
     */
    public static String definition(Path aslFile) throws IOException {
        String name = aslFile.getFileName().toString().replace(SUFFIX, "");
        JsonNode entry = Json.MAPPER.readTree(Files.readString(aslFile.resolveSibling(TIMEOUTS))).path(name).path("timeoutSeconds");
        if (!entry.canConvertToInt() || entry.asInt() <= 0) {
            throw new IllegalStateException("no timeoutSeconds for playbook " + name + " in " + aslFile.resolveSibling(TIMEOUTS));
        }
        ObjectNode asl = (ObjectNode) Json.MAPPER.readTree(Files.readString(aslFile));
        asl.put("TimeoutSeconds", entry.asInt());
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(asl);
    }

    /** Every {@code *.asl.json} in the directory, sorted. */
    public static List<Path> playbookFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return new ArrayList<>(files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
