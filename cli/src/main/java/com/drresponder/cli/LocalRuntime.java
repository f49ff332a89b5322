package com.drresponder.cli;

import com.drresponder.catalog.Catalog;

import com.drresponder.local.ResponderDeployment;
import com.drresponder.testsupport.AwsEmulator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The whole responder in the local emulator: moto plus the Java Lambda host (workers run the real
 * handlers from this JVM's classpath, which holds the functions jar), the responder's resources from
 * {@link ResponderDeployment}, and a small protected estate to act on.
 */
final class LocalRuntime implements AutoCloseable {
    static final String FUNCTION = "checkout-api";
    static final String ALIAS = "live";
    static final String ALARM = "checkout-api-live-errors";
    /** The estate matches the samples' story: live went 1 -> 7 (events/samples/cloudtrail), then its error alarm fired. */
    static final int VERSIONS = 7;

    static final String ORDERS_DB = "orders-db";
    static final String ORDERS_SECRET = "orders-db/master";
    /** Demo only: the drill's read-only login (not protected, never rotated), so a concurrent rotation cannot break the drill's checks. */
    static final String VERIFY_SECRET = "orders-db/verify";
    static final String SUBNET_GROUP = "orders-db-subnets";

    final AwsEmulator emulator;
    /** The orders database behind orders-db/master and the drill's checks; started by {@link #estate}. */
    DemoDatabase database;
    private final boolean owned;
    final Path root;
    Target target;
    ResponderDeployment.Deployed deployed;

    private LocalRuntime(AwsEmulator emulator, boolean owned, Path root) {
        this.emulator = emulator;
        this.owned = owned;
        this.root = root;
        this.target = Target.local(state(ProcessHandle.current().pid(), Map.of(), "", ""));
    }

    /** Starts an emulator (logs under .local/logs); {@link #close()} stops it and every worker JVM. */
    static LocalRuntime start(Path root) {
        if (System.getProperty("drresponder.harness.logDir") == null) {
            System.setProperty("drresponder.harness.logDir", root.resolve(".local").resolve("logs").toString());
        }
        return new LocalRuntime(AwsEmulator.start(), true, root);
    }

    /** Uses an emulator someone else owns (tests). */
    static LocalRuntime on(AwsEmulator emulator, Path root) {
        return new LocalRuntime(emulator, false, root);
    }

    /**
     * Local configuration, one value for each of the catalog's variables: enforce mode, any tagged resource
     * protected, a short verify loop; the rest as the functions' own defaults.
     */
    static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DR_MODE", "enforce");
        env.put("PROTECTION_TAG_KEY", "dr:protected");
        env.put("PROTECTED_RESOURCES", "*");
        env.put("DR_PARTITION", "aws");
        env.put("GUARDDUTY_MIN_SEVERITY", "7.0");
        env.put("FINDING_ACTIONS", ""); // blank: the built-in defaults
        env.put("LAMBDA_RTO_TARGET_MINUTES", "15");
        env.put("VERIFY_WINDOW_SECONDS", "45");
        env.put("VERIFY_POLL_SECONDS", "1");
        env.put(com.drresponder.common.PollBudget.FLOOR_VARIABLE, "1"); // the emulator's alarms and databases change at once
        // the sample alarm events in events/ are from 2024: locally any age counts as current (ten years)
        env.put("ALARM_MAX_AGE_SECONDS", Long.toString(java.time.Duration.ofDays(3653).toSeconds()));
        env.put("MAX_ROLLBACKS_PER_HOUR", "3");
        env.put("ROLLBACK_COOLDOWN_MINUTES", "30");
        env.put("CREDENTIAL_COOLDOWN_MINUTES", "30");
        env.put("RESTORE_WITHOUT_APPROVAL", "");
        env.put("WAF_SAFELIST", "");
        env.put("LOCK_TTL_SECONDS", "7200");
        env.put("AUTO_RESTORE_EVENT_IDS", "");
        env.put("PASSWORD_LENGTH", "32");
        env.put("EXCLUDE_CHARACTERS", "/@\"'\\");
        env.put("MUTATING_STARTS_PER_MINUTE", "30");
        env.put("BLOCK_HOURS", "24");
        env.put("WAF_MAX_BLOCKS_PER_INCIDENT", "50");
        env.put("ROTATION_MAX_CHECKS", "60");
        env.put("FAILOVER_REGIONS", ""); // the deployment's Region only: no global database secondary elsewhere
        env.put("SNAPSHOT_RETENTION_DAYS", "30");
        return env;
    }

    /** The restore playbook's targets (its ASL's RtoTargetMinutes/RpoTargetMinutes), as the stack's defaults. */
    static Map<String, String> parameters() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("RtoTargetMinutes", "60");
        s.put("RpoTargetMinutes", "5");
        return s;
    }

    LocalRuntime deploy(PrintStream log) {
        long t0 = System.nanoTime();
        Map<String, String> settings = new java.util.HashMap<>(parameters());
        // The stack's WAF block lists (IPv4, IPv6), which the credential playbook adds hostile IPs to.
        try (var waf = target.client(software.amazon.awssdk.services.wafv2.Wafv2Client.builder())) {
            var ipSet = waf.createIPSet(b -> b.name("dr-responder-blocklist").scope("REGIONAL").ipAddressVersion("IPV4")
                    .addresses(List.of())).summary();
            var ipSet6 = waf.createIPSet(b -> b.name("dr-responder-blocklist6").scope("REGIONAL").ipAddressVersion("IPV6")
                    .addresses(List.of())).summary();
            settings.put("WafIpSetName", ipSet.name());
            settings.put("WafIpSetId", ipSet.id());
            settings.put("WafIpSet6Name", ipSet6.name());
            settings.put("WafIpSet6Id", ipSet6.id());
            settings.put("WafScope", "REGIONAL");
        }
        // the database first: the local deployment points database connections at it (moto's endpoints are no databases)
        if (database == null) {
            database = DemoDatabase.start();
        }
        Map<String, String> environment = new LinkedHashMap<>(environment());
        environment.putAll(ResponderDeployment.localDatabaseEnvironment(database.host() + ":" + database.port()));
        deployed = ResponderDeployment.deploy(target.dynamo(), target.client(SnsClient.builder()), target.sfn(),
                emulator::deployJavaFunction, root.resolve("statemachines"), emulator.accountId(),
                environment, settings);
        ownRules();
        target.close();
        target = Target.local(state(ProcessHandle.current().pid()));
        log.printf("deployed: ledger %s, topic %s, %d functions, playbooks %s (%d ms)%n", deployed.table(),
                deployed.topicArn().substring(deployed.topicArn().lastIndexOf(':') + 1), deployed.functionArns().size(),
                deployed.stateMachineArns().keySet(), (System.nanoTime() - t0) / 1_000_000);
        return this;
    }

    /**
     * The rules whose events go to a function of their own rather than the router (rds-wait-events: RDS events resume the
     * restore's waits), on the default bus, as the stack has them; the emulator delivers matching events to Lambda targets.
     */
    private void ownRules() {
        Catalog catalog = Catalog.RESPONDER;
        for (String rule : catalog.rules()) {
            Catalog.Function to = catalog.ruleTarget(rule);
            if (to.equals(catalog.router()) || !deployed.functionArns().containsKey(to.name())) {
                continue;
            }
            String pattern;
            try {
                pattern = java.nio.file.Files.readString(root.resolve("events").resolve("rules").resolve(rule + ".json"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            target.events().putRule(b -> b.name(rule).eventPattern(pattern));
            target.events().putTargets(b -> b.rule(rule).targets(t -> t.id(to.name()).arn(deployed.functionArns().get(to.name()))));
        }
    }

    /** checkout-api (tagged dr:protected=true) with versions 1..7, alias live on 7, and its error alarm (OK). */
    LocalRuntime estate(PrintStream log) {
        LambdaClient lambda = target.lambda();
        lambda.createFunction(b -> b.functionName(FUNCTION).runtime(Runtime.PYTHON3_12).handler("app.handler")
                .role("arn:aws:iam::" + emulator.accountId() + ":role/" + AwsEmulator.LAMBDA_ROLE_NAME)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(new byte[] {80, 75, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})))
                .tags(Map.of("dr:protected", "true")));
        for (int v = 1; v <= VERSIONS; v++) {
            String description = "release " + v;
            lambda.updateFunctionConfiguration(b -> b.functionName(FUNCTION).description(description));
            lambda.publishVersion(b -> b.functionName(FUNCTION).description(description));
        }
        lambda.createAlias(b -> b.functionName(FUNCTION).name(ALIAS).functionVersion(Integer.toString(VERSIONS)));
        try (CloudWatchClient cw = target.client(CloudWatchClient.builder())) {
            cw.putMetricAlarm(b -> b.alarmName(ALARM).namespace("AWS/Lambda").metricName("Errors")
                    .dimensions(d -> d.name("FunctionName").value(FUNCTION), d -> d.name("Resource").value(FUNCTION + ":" + ALIAS))
                    .statistic(Statistic.SUM).period(60).evaluationPeriods(1).threshold(1.0)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
        }
        log.printf("estate: %s (dr:protected=true) versions 1..%d, alias %s -> %d; alarm %s%n", FUNCTION, VERSIONS, ALIAS, VERSIONS, ALARM);
        ordersDatabase(log);
        return this;
    }

    /**
     * The orders estate: an embedded PostgreSQL (database orders, table orders), the protected secret
     * orders-db/master (dr:protected=true, dr:database=orders-db) for its application login with rotation
     * configured to the deployed secret-rotation function, the drill's read-only secret orders-db/verify, and the
     * protected Aurora PostgreSQL cluster orders-db in moto (DB subnet group, one writer). The emulator's cluster
     * is no database: the local deployment sends the drill's connections to the embedded one
     * ({@link ResponderDeployment#localDatabaseEnvironment}); the drill request names only the secret ({@link #drillVerifyOverride}).
     */
    private void ordersDatabase(PrintStream log) {
        long t0 = System.nanoTime();
        if (database == null) {
            database = DemoDatabase.start();
        }
        try (SecretsManagerClient secrets = target.client(SecretsManagerClient.builder())) {
            String arn = secrets.createSecret(b -> b.name(ORDERS_SECRET).secretString(secretJson(DemoDatabase.APP_USER, database.appPassword))
                    .tags(t -> t.key("dr:protected").value("true"), t -> t.key("dr:database").value(ORDERS_DB),
                            t -> t.key("app").value("orders"))).arn();
            // RotateImmediately=false: configure only; the credential playbook's RotateSecret does the rotating.
            secrets.rotateSecret(b -> b.secretId(arn).rotationLambdaARN(deployed.functionArns().get("secret-rotation"))
                    .rotationRules(r -> r.automaticallyAfterDays(30L)).rotateImmediately(false));
            secrets.createSecret(b -> b.name(VERIFY_SECRET).secretString(secretJson(DemoDatabase.VERIFY_USER, database.verifyPassword))
                    // dr:database links it to the cluster it verifies; not dr:protected: the responder never rotates it
                    .tags(t -> t.key("dr:database").value(ORDERS_DB), t -> t.key("app").value("orders")));
        }
        try (RdsClient rds = target.client(RdsClient.builder())) {
            rds.createDBSubnetGroup(b -> b.dbSubnetGroupName(SUBNET_GROUP).dbSubnetGroupDescription("orders-db subnets")
                    .subnetIds(emulator.defaultSubnetIds(2)));
            rds.createDBCluster(b -> b.dbClusterIdentifier(ORDERS_DB).engine("aurora-postgresql").engineVersion("15.4")
                    .dbSubnetGroupName(SUBNET_GROUP).masterUsername("orders_admin").masterUserPassword(database.verifyPassword)
                    .storageEncrypted(true).backupRetentionPeriod(7)
                    .tags(t -> t.key("dr:protected").value("true"), t -> t.key("app").value("orders")));
            rds.createDBInstance(b -> b.dbInstanceIdentifier(ORDERS_DB + "-instance-1").dbClusterIdentifier(ORDERS_DB)
                    .engine("aurora-postgresql").dbInstanceClass("db.r6g.large"));
        }
        log.printf("estate: embedded PostgreSQL on %s:%d (database %s, %d orders); secret %s (dr:protected=true, dr:database=%s, "
                        + "rotation: secret-rotation); Aurora cluster %s (dr:protected=true, subnet group %s) (%d ms)%n",
                database.host(), database.port(), DemoDatabase.DATABASE, DemoDatabase.ROWS, ORDERS_SECRET, ORDERS_DB, ORDERS_DB,
                SUBNET_GROUP, (System.nanoTime() - t0) / 1_000_000);
    }

    private String secretJson(String user, String password) {
        return com.drresponder.common.Json.write(com.drresponder.common.Json.object().put("engine", "postgres")
                .put("host", database.host()).put("port", database.port()).put("username", user).put("password", password)
                .put("dbname", DemoDatabase.DATABASE));
    }

    /** Demo only: the replayed drill request's verify block uses the demo's read-only secret (tagged dr:database=orders-db). */
    Map<String, String> drillVerifyOverride() {
        return Map.of("secretId", VERIFY_SECRET);
    }

    String currentSecretPassword(String secretId) {
        try (SecretsManagerClient secrets = target.client(SecretsManagerClient.builder())) {
            String text = secrets.getSecretValue(b -> b.secretId(secretId).versionStage("AWSCURRENT")).secretString();
            return com.drresponder.common.Json.text(com.drresponder.common.Json.MAPPER.readTree(text), "password");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    List<software.amazon.awssdk.services.rds.model.DBCluster> clusters() {
        try (RdsClient rds = target.client(RdsClient.builder())) {
            return rds.describeDBClusters().dbClusters();
        }
    }

    void alarm(StateValue state, String reason) {
        try (CloudWatchClient cw = target.client(CloudWatchClient.builder())) {
            cw.setAlarmState(b -> b.alarmName(ALARM).stateValue(state).stateReason(reason));
        }
    }

    String aliasVersion() {
        return target.lambda().getAlias(b -> b.functionName(FUNCTION).name(ALIAS)).functionVersion();
    }

    /** What `--local` commands need to reach this runtime. */
    LocalState state(long pid) {
        return state(pid, deployed.stateMachineArns(), deployed.routerArn(), deployed.topicArn());
    }

    private LocalState state(long pid, Map<String, String> machines, String router, String topic) {
        return new LocalState(pid, emulator.endpoint().toString(), emulator.region(), emulator.accountId(), ResponderDeployment.TABLE,
                topic, router, Map.copyOf(machines), Instant.now().toString());
    }

    DynamoDbClient dynamo() {
        return target.dynamo();
    }

    SfnClient sfn() {
        return target.sfn();
    }

    @Override
    public void close() {
        target.close();
        try {
            if (owned) {
                emulator.close();
            }
        } finally {
            DemoDatabase db = database;
            database = null;
            if (db != null) {
                db.close();
            }
        }
    }
}
