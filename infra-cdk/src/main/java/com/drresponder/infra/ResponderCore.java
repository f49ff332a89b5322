package com.drresponder.infra;

import com.drresponder.catalog.Catalog;
import com.drresponder.infra.config.DrConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Files;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.CfnTable;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * What every playbook stands on: the ledger, the notification topic and its key, the EventBridge targets' DLQ, the
 * shared steps (record-step), the finaliser, the {@link IncidentRouting} (router, its on-failure queue, manual request
 * bus, rules) and meta-monitoring. Its construct id is {@link #ID}. Playbook constructs build their functions with it
 * ({@link #function}), their rules with its routing, and hand it their state machine ({@link #register});
 * {@link #finish} closes the stack.
 */
public final class ResponderCore extends Construct {
    /**
     * CDK's hidden id: it is left out of logical ids and generated names, so the core's resources keep the ids (and the
     * manual bus its name) they had when the stack created them itself. Replacing the ledger, keys, topic or queues
     * would lose data; renaming the bus would lock the operators out.
     */
    public static final String ID = "Default";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DrConfig config;
    private final Catalog catalog;
    private final ProjectLayout layout;
    private final Code code;
    private final Permissions permissions;
    private final Key key;
    private final Table ledger;
    private final Topic topic;
    private final Queue deadLetterQueue;
    private final Map<String, String> environment;
    private final Map<String, JavaFunction> functions = new LinkedHashMap<>();
    private final Map<String, String> substitutions = new LinkedHashMap<>();
    private final IncidentRouting routing;
    private Monitoring monitoring;

    public ResponderCore(Construct scope, String id, DrConfig config, ProjectLayout layout, Catalog catalog) {
        super(scope, id);
        this.config = config;
        this.catalog = catalog;
        this.layout = layout;
        this.code = functionCode(layout);
        this.permissions = new Permissions(config.protectionTagKey());
        this.key = Key.Builder.create(this, "NotificationKey")
                .description("DR Responder: encrypts the notification topic")
                .enableKeyRotation(true)
                .removalPolicy(RemovalPolicy.DESTROY)
                .pendingWindow(Duration.days(7))
                .build();
        // CloudWatch alarms publish to the encrypted topic.
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowCloudWatchAlarmsToPublish")
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                .resources(List.of("*"))
                .build());
        this.ledger = ledgerTable();
        this.topic = notificationTopic();
        this.deadLetterQueue = queue("EventTargetDlq",
                "This queue is itself the dead-letter queue of the EventBridge targets; a DLQ of a DLQ adds nothing.");
        this.environment = commonEnvironment();

        catalog.sharedSteps().forEach(f -> function(this, f));
        catalog.coreFunctions().forEach(f -> function(this, f));
        grantAdmission(functions.get("record-step"));
        this.routing = new IncidentRouting(this);

        CfnOutput.Builder.create(this, "LedgerTableName").value(ledger.getTableName()).build();
        CfnOutput.Builder.create(this, "TopicArn").value(topic.getTopicArn()).build();
    }

    // ------------------------------------------------------------------ what playbook constructs use

    /** A catalog function in {@code scope} with the contract environment and the grants its needs name. */
    public JavaFunction function(Construct scope, Catalog.Function f) {
        return function(scope, f, null);
    }

    JavaFunction function(Construct scope, Catalog.Function f, Integer reservedConcurrency) {
        JavaFunction fn = new JavaFunction(scope, f.logicalId(), JavaFunction.Props.of(f.name(), f.handler(), code)
                .withEnvironment(environment)
                .withReservedConcurrency(reservedConcurrency)
                .withDescription(f.description())
                .withTimeout(Duration.seconds(f.timeoutSeconds())));
        functions.put(f.name(), fn);
        NagSuppressions.addResourceSuppressions(fn.function(), List.of(NagPackSuppression.builder()
                .id("AwsSolutions-L1")
                .reason("Java 21 is the runtime this project targets (SnapStart, release 21 build); moving to a newer Java runtime is a deliberate upgrade.")
                .build()));
        if (f.needs().contains(Catalog.Need.LEDGER)) {
            grantLedger(fn.role());
        }
        if (f.needs().contains(Catalog.Need.NOTIFY)) {
            grantNotify(fn.role());
        }
        if (f.needs().contains(Catalog.Need.DATABASE_NETWORK)) {
            placeInVpc(fn);
        }
        permissions.acknowledgeNoResourceLevel(fn.role());
        return fn;
    }

    /** A playbook's state machine: the router may start it and knows its ARN; its substitutions are listed. */
    public void register(Catalog.Playbook playbook, StateMachine stateMachine, Map<String, String> substitutions) {
        this.substitutions.putAll(substitutions);
        routing.register(playbook, stateMachine);
    }

    /** What every playbook's state machine may do: invoke its own steps (and no others), the ledger, the topic. */
    public void grantPlaybookBasics(StateMachine sm, Catalog.Playbook playbook) {
        // RotateSecret names the rotation function: a state machine may invoke it too.
        for (Catalog.Function f : catalog.invokedBy(playbook)) {
            functions.get(f.name()).alias().grantInvoke(sm.getRole());
        }
        grantLedger(sm.getRole());
        grantNotify(sm.getRole());
        permissions.acknowledgeNoResourceLevel(sm.getRole());
    }

    /**
     * Closes the stack once every playbook is registered: the finaliser's rule, meta-monitoring, the cdk-nag
     * acknowledgements of every grant.
     */
    public void finish() {
        routing.finaliserRule(functions.get("finaliser"));
        routing.startGuardDrain();
        this.monitoring = new Monitoring(this, "Monitoring", new Monitoring.Props(topic, routing.router(), deadLetterQueue,
                routing.routerFailures(), routing.stateMachines(), config));
        permissions.acknowledgeWildcards();
    }

    // ------------------------------------------------------------------ resources

    private static Code functionCode(ProjectLayout layout) {
        if (!Files.isRegularFile(layout.functionsZip())) {
            throw new IllegalStateException("Lambda package " + layout.functionsZip() + " not found: build it first with "
                    + "`./mvnw -B package -pl functions -am -DskipTests` from the repository root");
        }
        return Code.fromAsset(layout.functionsZip().toString());
    }

    private Table ledgerTable() {
        Table table = Table.Builder.create(this, "Ledger")
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .timeToLiveAttribute("expiresAt")
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                // AWS managed key: the retained ledger stays readable after `cdk destroy` (a stack-owned key would not).
                .encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName("byStatus")
                .partitionKey(Attribute.builder().name("gsi1pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("gsi1sk").type(AttributeType.STRING).build())
                .build());
        return table;
    }

    private Topic notificationTopic() {
        Topic t = Topic.Builder.create(this, "NotificationTopic")
                .displayName("DR Responder")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        for (String email : config.notificationEmails()) {
            t.addSubscription(new EmailSubscription(email));
        }
        return t;
    }

    private Queue queue(String id, String whyNoDlq) {
        Queue queue = Queue.Builder.create(this, id)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagSuppressions.addResourceSuppressions(queue, List.of(NagPackSuppression.builder().id("AwsSolutions-SQS3").reason(whyNoDlq).build()));
        return queue;
    }

    /** The contract variables every function gets (docs/CONTRACTS.md); exactly the catalog's. */
    private Map<String, String> commonEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LEDGER_TABLE", ledger.getTableName());
        env.put("TOPIC_ARN", topic.getTopicArn());
        env.put("DR_MODE", config.mode().value());
        env.put("PROTECTION_TAG_KEY", config.protectionTagKey());
        env.put("PROTECTED_RESOURCES", String.join(",", config.protectedResources()));
        env.put("DR_ACCOUNT_ID", Aws.ACCOUNT_ID);
        env.put("DR_PARTITION", Aws.PARTITION);
        env.put("GUARDDUTY_MIN_SEVERITY", Double.toString(config.guardDutyMinSeverity()));
        env.put("FINDING_ACTIONS", toJson(config.findingActions()));
        // the restore's RTO/RPO targets reach its state machine as parameters (RestorePlaybook), not as variables
        env.put("LAMBDA_RTO_TARGET_MINUTES", Integer.toString(config.lambdaRtoTargetMinutes()));
        env.put("MUTATING_STARTS_PER_MINUTE", Integer.toString(config.mutatingStartsPerMinute()));
        env.put("BLOCK_HOURS", Integer.toString(config.blockHours()));
        env.put("WAF_MAX_BLOCKS_PER_INCIDENT", Integer.toString(config.wafMaxBlocksPerIncident()));
        env.put("ROTATION_MAX_CHECKS", Integer.toString(config.rotationMaxChecks()));
        env.put("VERIFY_WINDOW_SECONDS", Integer.toString(config.verifyWindowMinutes() * 60));
        env.put("VERIFY_POLL_SECONDS", "30");
        env.put("ALARM_MAX_AGE_SECONDS", Integer.toString(config.alarmMaxAgeMinutes() * 60));
        env.put("MAX_ROLLBACKS_PER_HOUR", Integer.toString(config.maxRollbacksPerHour()));
        env.put("ROLLBACK_COOLDOWN_MINUTES", Integer.toString(config.cooldownMinutes()));
        env.put("CREDENTIAL_COOLDOWN_MINUTES", Integer.toString(config.cooldownMinutes()));
        env.put("RESTORE_WITHOUT_APPROVAL", String.join(",", config.restoreWithoutApproval()));
        env.put("WAF_SAFELIST", String.join(",", config.wafSafelist()));
        env.put("LOCK_TTL_SECONDS", Integer.toString(config.lockTtlMinutes() * 60));
        env.put("AUTO_RESTORE_EVENT_IDS", String.join(",", config.autoRestoreEventIds()));
        env.put("PASSWORD_LENGTH", Integer.toString(config.passwordLength()));
        env.put("SNAPSHOT_RETENTION_DAYS", Integer.toString(config.snapshotRetentionDays()));
        env.put("EXCLUDE_CHARACTERS", config.passwordExcludeCharacters());
        env.put("FAILOVER_REGIONS", String.join(",", config.failoverRegions()));
        if (!env.keySet().equals(new LinkedHashSet<>(catalog.environment()))) {
            throw new IllegalStateException("the stack's environment " + env.keySet() + " is not the catalog's " + catalog.environment());
        }
        return Collections.unmodifiableMap(env);
    }

    /**
     * Functions that open database connections run in the configured VPC ({@code vpc}: subnets with a route
     * to the databases, security groups the databases admit). Without {@code vpc} they run outside any VPC,
     * which only reaches publicly accessible databases.
     */
    private void placeInVpc(JavaFunction fn) {
        DrConfig.VpcConfig vpc = config.vpc();
        if (vpc == null) {
            return;
        }
        // an ordered map: the function's version hash covers it, and Map.of's order changes from run to run
        ((CfnFunction) fn.function().getNode().getDefaultChild()).addPropertyOverride("VpcConfig",
                new TreeMap<>(Map.of("SubnetIds", vpc.subnetIds(), "SecurityGroupIds", vpc.securityGroupIds())));
        // What AWSLambdaVPCAccessExecutionRole grants: Lambda manages the function's network interfaces.
        permissions.allow(fn.role(), List.of("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"), List.of("*"), null, Permissions.NO_RESOURCE_LEVEL);
    }

    // ------------------------------------------------------------------ core grants

    private void grantLedger(IRole role) {
        ledger.grantReadWriteData(role);
        String ledgerId = Stack.of(this).resolve(((CfnTable) ledger.getNode().getDefaultChild()).getLogicalId()).toString();
        permissions.acknowledge(role, Permissions.LEDGER_INDEX, "Resource::<" + ledgerId + ".Arn>/index/*");
    }

    private void grantNotify(IRole role) {
        topic.grantPublish(role);
        permissions.acknowledge(role, Permissions.TOPIC_KEY, "Action::kms:GenerateDataKey*");
    }

    /** record-step's {@code open} admits direct starts: it reads the opt-in tag of the function or database named. */
    private void grantAdmission(JavaFunction fn) {
        permissions.allow(fn.role(), List.of("lambda:ListTags"), List.of(Permissions.arn("lambda", "function:*")), null,
                Permissions.READ_ONLY_LOOKUP);
        permissions.allow(fn.role(), List.of("rds:ListTagsForResource"), List.of(Permissions.arn("rds", "cluster:*"),
                Permissions.arn("rds", "db:*")), null, Permissions.READ_ONLY_LOOKUP);
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ accessors

    public DrConfig config() { return config; }

    public Catalog catalog() { return catalog; }

    public ProjectLayout layout() { return layout; }

    Permissions permissions() { return permissions; }

    public Table ledger() { return ledger; }

    public Topic topic() { return topic; }

    public Queue deadLetterQueue() { return deadLetterQueue; }

    /** The router, its rules and the state machines it starts. */
    public IncidentRouting routing() { return routing; }

    public Queue routerFailures() { return routing.routerFailures(); }

    public JavaFunction router() { return routing.router(); }

    /** Functions by service name. */
    public Map<String, JavaFunction> functions() { return Collections.unmodifiableMap(functions); }

    /** State machines by playbook name. */
    public Map<String, StateMachine> stateMachines() { return routing.stateMachines(); }

    /** Rules by rule file name, plus each playbook's own (drill-schedule, ip-block-sweeper). */
    public Map<String, Rule> rules() { return routing.rules(); }

    /** Every state machine's {@code definitionSubstitutions}, together. */
    public Map<String, String> substitutions() { return Collections.unmodifiableMap(substitutions); }

    public Monitoring monitoring() { return monitoring; }
}
