package com.drresponder.infra;

import com.drresponder.catalog.Catalog;
import com.drresponder.infra.config.DrConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnTag;
import software.amazon.awscdk.services.wafv2.CfnIPSet;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.CfnTable;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The one deployable DR Responder stack: ledger, notifications, the {@link Catalog}'s Java functions, a state
 * machine per catalog playbook ({@code statemachines/<name>.asl.json}), an EventBridge rule per catalog rule
 * ({@code events/rules/<rule>.json}, target: the router), and meta-monitoring. The catalog says what exists;
 * this class says how each piece is built and what each role may do.
 */
public final class DrResponderStack extends Stack {
    public static final String ROLLBACK = "rollback-lambda-alias";
    public static final String RESTORE = "restore-database-to-point-in-time";
    public static final String CREDENTIALS = "respond-to-credential-compromise";

    public static final Duration EVENT_MAX_AGE = Duration.hours(1);
    public static final int EVENT_RETRY_ATTEMPTS = 8;
    public static final int ROUTER_RESERVED_CONCURRENCY = 5;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DrConfig config;
    private final Catalog catalog;
    private final Key key;
    private final Table ledger;
    private final Topic topic;
    private final Queue deadLetterQueue;
    private final Queue routerFailures;
    private final Map<String, JavaFunction> functions = new LinkedHashMap<>();
    private final Map<String, StateMachine> stateMachines = new LinkedHashMap<>();
    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private final Map<String, String> definitionSubstitutions;
    /** Values of the playbooks' parameters (substitutions besides step ARNs), filled by the playbooks' own code. */
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private CfnIPSet blockList;
    private CfnIPSet blockList6;
    private final Monitoring monitoring;

    public DrResponderStack(Construct scope, String id, StackProps props, DrConfig config, ProjectLayout layout) {
        this(scope, id, props, config, layout, Catalog.RESPONDER);
    }

    public DrResponderStack(Construct scope, String id, StackProps props, DrConfig config, ProjectLayout layout, Catalog catalog) {
        super(scope, id, props);
        this.config = config;
        this.catalog = catalog;
        this.sharedCode = functionCode(layout);

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
        this.deadLetterQueue = Queue.Builder.create(this, "EventTargetDlq")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        suppress(deadLetterQueue, "AwsSolutions-SQS3", "This queue is itself the dead-letter queue of the EventBridge targets; a DLQ of a DLQ adds nothing.");

        Map<String, String> common = commonEnvironment();
        for (Catalog.Function f : catalog.stepFunctions()) {
            function(f, common, null);
        }
        grantAdmission(functions.get("record-step"));
        catalog.playbooks().forEach(this::playbookResources);

        this.definitionSubstitutions = Collections.unmodifiableMap(substitutions());
        for (Catalog.Playbook playbook : catalog.playbooks()) {
            stateMachines.put(playbook.name(), stateMachine(playbook,
                    PlaybookDefinition.load(layout.stateMachinesDir().resolve(playbook.stateMachineFile()))));
        }

        Map<String, String> routerEnv = new LinkedHashMap<>(common);
        catalog.playbooks().forEach(p -> routerEnv.put(p.stateMachineEnvVar(), stateMachines.get(p.name()).getStateMachineArn()));
        JavaFunction router = function(catalog.router(), routerEnv, ROUTER_RESERVED_CONCURRENCY);
        grantRouter(router);
        this.routerFailures = routerFailureDestination(router);
        finaliser();

        ManualRequestBus manualBus = new ManualRequestBus(this, "ManualRequests", config.operatorPrincipals());
        for (String name : catalog.rules()) {
            EventRuleDefinition rule = EventRuleDefinition.load(layout.rulesDir().resolve(name + ".json"));
            rules.put(rule.name(), ManualRequestBus.RULE.equals(rule.name()) ? manualRule(rule, router, manualBus) : eventRule(rule, router));
        }
        drillSchedule(router);
        ipBlockSweeper(functions.get("merge-ip-set"));

        acknowledgeWildcards();
        this.monitoring = new Monitoring(this, "Monitoring", new Monitoring.Props(topic, router, deadLetterQueue, routerFailures, stateMachines, config));

        CfnOutput.Builder.create(this, "LedgerTableName").value(ledger.getTableName()).build();
        CfnOutput.Builder.create(this, "TopicArn").value(topic.getTopicArn()).build();
        CfnOutput.Builder.create(this, "RouterAliasArn").value(router.alias().getFunctionArn()).build();
        catalog.playbooks().forEach(p -> CfnOutput.Builder.create(this, p.stateMachineOutput())
                .value(stateMachines.get(p.name()).getStateMachineArn()).build());
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
        env.put("RTO_TARGET_MINUTES", Integer.toString(config.rtoTargetMinutes()));
        env.put("RPO_TARGET_MINUTES", Integer.toString(config.rpoTargetMinutes()));
        env.put("LAMBDA_RTO_TARGET_MINUTES", Integer.toString(config.lambdaRtoTargetMinutes()));
        env.put("VERIFY_WINDOW_SECONDS", Integer.toString(config.verifyWindowMinutes() * 60));
        env.put("VERIFY_POLL_SECONDS", "30");
        env.put("MAX_ROLLBACKS_PER_HOUR", Integer.toString(config.maxRollbacksPerHour()));
        env.put("ROLLBACK_COOLDOWN_MINUTES", Integer.toString(config.cooldownMinutes()));
        env.put("CREDENTIAL_COOLDOWN_MINUTES", Integer.toString(config.cooldownMinutes()));
        env.put("RESTORE_WITHOUT_APPROVAL", String.join(",", config.restoreWithoutApproval()));
        env.put("WAF_SAFELIST", String.join(",", config.wafSafelist()));
        env.put("LOCK_TTL_SECONDS", Integer.toString(config.lockTtlMinutes() * 60));
        if (!env.keySet().equals(new java.util.LinkedHashSet<>(catalog.environment()))) {
            throw new IllegalStateException("the stack's environment " + env.keySet() + " is not the catalog's " + catalog.environment());
        }
        return env;
    }

    /** A catalog function with the grants its needs name; its own service grants come from its playbook's code. */
    private JavaFunction function(Catalog.Function f, Map<String, String> env, Integer reservedConcurrency) {
        JavaFunction fn = new JavaFunction(this, f.logicalId(), JavaFunction.Props.of(f.name(), f.handler(), functionCodeOf())
                .withEnvironment(env)
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
        acknowledgeNoResourceLevel(fn.role());
        return fn;
    }

    /** One deployment package for all functions (one asset). */
    private Code sharedCode;

    private Code functionCodeOf() {
        return sharedCode;
    }

    /**
     * The {@code definitionSubstitutions} for every state machine, built in one place: {@code ${Name}} in
     * {@code statemachines/*.asl.json} becomes the value. The local harness supplies the same names.
     */
    private Map<String, String> substitutions() {
        Map<String, String> m = new LinkedHashMap<>();
        catalog.stepFunctions().stream().filter(Catalog.Function::step)
                .forEach(f -> m.put(f.substitution(), functions.get(f.name()).alias().getFunctionArn()));
        for (Catalog.Playbook playbook : catalog.playbooks()) {
            for (String name : playbook.parameters()) {
                String value = parameters.get(name);
                if (value == null) {
                    throw new IllegalStateException("playbook " + playbook.name() + " declares parameter " + name + " but the stack supplies no value");
                }
                m.put(name, value);
            }
        }
        return m;
    }

    /** What a playbook adds besides its functions and state machine: its functions' service grants, its parameters. */
    private void playbookResources(Catalog.Playbook playbook) {
        switch (playbook.name()) {
            case ROLLBACK -> rollbackFunctionGrants();
            case CREDENTIALS -> credentialResources();
            case RESTORE -> restoreResources();
            default -> { /* a new playbook starts with what its catalog entry names; its issue adds grants here */ }
        }
    }

    private StateMachine stateMachine(Catalog.Playbook entry, PlaybookDefinition playbook) {
        String id = entry.pascalName();
        LogGroup logs = LogGroup.Builder.create(this, id + "Logs")
                .logGroupName("/aws/vendedlogs/states/" + getStackName() + "-" + playbook.name())
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        StateMachine sm = StateMachine.Builder.create(this, id)
                .comment("DR Responder playbook " + playbook.name() + " (statemachines/" + playbook.file().getFileName() + ")")
                .definitionBody(DefinitionBody.fromString(playbook.definition()))
                .definitionSubstitutions(definitionSubstitutions)
                .stateMachineType(StateMachineType.STANDARD)
                .logs(LogOptions.builder().destination(logs).level(LogLevel.ERROR).includeExecutionData(false).build())
                .tracingEnabled(true)
                .build();
        suppress(sm, "AwsSolutions-SF1", "Logs at ERROR without execution data: every step already lands on the incident timeline "
                + "(ledger), and ALL-level logs would copy incident payloads into CloudWatch Logs at extra cost.");
        grantPlaybookBasics(sm, entry);
        switch (playbook.name()) {
            case ROLLBACK -> grantRollbackLambdaAlias(sm.getRole());
            case RESTORE -> grantRestoreDatabase(sm.getRole());
            case CREDENTIALS -> grantRespondToCredentialCompromise(sm.getRole());
            default -> { /* a new playbook starts with the basics; its issue adds a grant method */ }
        }
        return sm;
    }

    private Rule eventRule(EventRuleDefinition definition, JavaFunction router) {
        return eventRule(definition, router, Rule.Builder.create(this, definition.pascalName() + "Rule"));
    }

    /** The manual-requests rule: on the manual bus, for events of this account only. */
    private Rule manualRule(EventRuleDefinition definition, JavaFunction router, ManualRequestBus manualBus) {
        Rule rule = eventRule(definition, router, Rule.Builder.create(this, definition.pascalName() + "Rule").eventBus(manualBus.bus()));
        ManualRequestBus.pinToAccount((CfnRule) rule.getNode().getDefaultChild());
        CfnOutput.Builder.create(this, "ManualBusName").value(manualBus.bus().getEventBusName()).build();
        return rule;
    }

    private Rule eventRule(EventRuleDefinition definition, JavaFunction router, Rule.Builder builder) {
        Rule rule = builder
                .description("DR Responder: events/rules/" + definition.file().getFileName() + " -> incident-router")
                .eventPattern(definition.toEventPattern())
                .build();
        CfnRule cfn = (CfnRule) rule.getNode().getDefaultChild();
        definition.extraFields().forEach((field, value) -> cfn.addPropertyOverride("EventPattern." + field, value));
        rule.addTarget(new LambdaFunction(router.alias(), LambdaFunctionProps.builder()
                .deadLetterQueue(deadLetterQueue)
                .maxEventAge(EVENT_MAX_AGE)
                .retryAttempts(EVENT_RETRY_ATTEMPTS)
                .build()));
        return rule;
    }

    /**
     * The router's own failures. The EventBridge target's DLQ only holds events EventBridge could not deliver; once
     * Lambda accepted an event, a function error is retried by Lambda's async queue (twice) and then the event goes to
     * this on-failure destination with the request (the whole event) and the error, instead of being dropped.
     */
    private Queue routerFailureDestination(JavaFunction router) {
        Queue queue = Queue.Builder.create(this, "RouterFailedEvents")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        suppress(queue, "AwsSolutions-SQS3", "This queue is itself the router's on-failure destination (failed events land here); a DLQ of it adds nothing.");
        router.alias().configureAsyncInvoke(software.amazon.awscdk.services.lambda.EventInvokeConfigOptions.builder()
                .onFailure(new software.amazon.awscdk.services.lambda.destinations.SqsDestination(queue))
                .retryAttempts(2)
                .maxEventAge(Duration.hours(6))
                .build());
        return queue;
    }

    /**
     * The finaliser: Step Functions reports every execution of the stack's playbooks that ends FAILED, TIMED_OUT or
     * ABORTED (best-effort delivery); the function records it, releases the incident's lock and notifies.
     */
    private void finaliser() {
        if (stateMachines.isEmpty()) {
            return;
        }
        JavaFunction fn = functions.get("finaliser"); // a core function of the catalog (ledger, notify)
        Rule rule = Rule.Builder.create(this, "PlaybookExecutionEndedRule")
                .description("DR Responder: a playbook execution failed, timed out or was aborted -> finaliser")
                .eventPattern(software.amazon.awscdk.services.events.EventPattern.builder()
                        .source(List.of("aws.states"))
                        .detailType(List.of("Step Functions Execution Status Change"))
                        .detail(Map.of("status", List.of("FAILED", "TIMED_OUT", "ABORTED"),
                                "stateMachineArn", stateMachines.values().stream().map(StateMachine::getStateMachineArn).toList()))
                        .build())
                .build();
        rule.addTarget(new LambdaFunction(fn.alias(), LambdaFunctionProps.builder()
                .deadLetterQueue(deadLetterQueue)
                .maxEventAge(EVENT_MAX_AGE)
                .retryAttempts(EVENT_RETRY_ATTEMPTS)
                .build()));
    }

    /** The scheduled DR drill: starts the {@code restore-drill} playbook when it exists and a schedule is configured. */
    private void drillSchedule(JavaFunction router) {
        if (config.drillSchedule() == null || config.drillTargets().isEmpty() || !stateMachines.containsKey(RESTORE)) {
            return;
        }
        Rule rule = Rule.Builder.create(this, "DrillScheduleRule")
                .description("DR Responder: scheduled restore drill (" + config.drillSchedule() + ")")
                .schedule(Schedule.expression(config.drillSchedule()))
                .build();
        // Each target reaches the router as a manual drill request, so a drill takes the database's lock,
        // opens an incident and is deduplicated like any other request.
        for (Map<String, Object> target : config.drillTargets()) {
            Map<String, Object> detail = new LinkedHashMap<>(target);
            detail.put("playbook", RESTORE);
            detail.put("mode", "drill");
            detail.putIfAbsent("reason", "Scheduled restore drill (" + config.drillSchedule() + ")");
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("version", "0");
            event.put("id", EventField.fromPath("$.id"));
            event.put("detail-type", "Manual Playbook Request");
            event.put("source", "drresponder.manual");
            event.put("account", EventField.fromPath("$.account"));
            event.put("time", EventField.fromPath("$.time"));
            event.put("region", EventField.fromPath("$.region"));
            event.put("resources", List.of());
            event.put("detail", detail);
            rule.addTarget(new LambdaFunction(router.alias(), LambdaFunctionProps.builder()
                    .event(RuleTargetInput.fromObject(event))
                    .deadLetterQueue(deadLetterQueue)
                    .maxEventAge(EVENT_MAX_AGE)
                    .retryAttempts(EVENT_RETRY_ATTEMPTS)
                    .build()));
        }
        rules.put("drill-schedule", rule);
    }

    // ------------------------------------------------------------------ permissions (least privilege)
    //
    // Every grant goes through allow()/grantLedger()/grantNotify(), which also record the cdk-nag acknowledgement for
    // each wildcard they introduce, on that one role, with the reason (see acknowledgeWildcards()).

    private static final String TAG_SCOPED = "Resource names are not known at deploy time (any opted-in resource); every "
            + "mutating action is restricted by an aws:ResourceTag/aws:RequestTag condition on the protection tag.";
    private static final String READ_ONLY_LOOKUP = "Read-only lookups of tags, aliases and alarm definitions, used to decide "
            + "whether a resource is opted in; resource names are not known at deploy time, the ARN pattern fixes service, "
            + "region, account and resource type.";
    private static final String NO_RESOURCE_LEVEL = "X-Ray (PutTraceSegments, PutTelemetryRecords), Step Functions log delivery "
            + "(logs:CreateLogDelivery and friends), cloudwatch:GetMetricData, secretsmanager:ListSecrets and ssm:DescribeParameters "
            + "support no resource-level permissions.";
    private static final String RDS_RESTORE_INPUTS = "RDS authorises a point-in-time restore against the subnet group, DB cluster "
            + "parameter group, DB parameter group and option group it uses, whose names come from the source database; "
            + "the playbook never modifies them.";
    private static final String SECRET_KEYS = "Customer-managed keys of opted-in secrets are not known at deploy time; the "
            + "kms:ViaService condition limits their use to Secrets Manager calls (SSM calls for the config cut-over's SecureString parameters).";
    private static final String LEDGER_INDEX = "Queries the ledger's own GSIs (byStatus); the wildcard is limited to indexes of this one table.";
    private static final String FINAL_SNAPSHOT = "rds:DeleteDBCluster names a cluster-snapshot resource type for the final "
            + "snapshot; the cluster itself must carry dr:drill=true, and the action deletes no snapshot (only sweep-snapshots may, by "
            + "DeleteDBClusterSnapshot/DeleteDBSnapshot on snapshots tagged dr:playbook=restore-database-to-point-in-time).";
    private static final String TOPIC_KEY = "kms:GenerateDataKey* on the notification topic's own key only, needed to publish to the encrypted topic.";

    private final Map<String, Acknowledgements> acknowledgements = new LinkedHashMap<>();

    private record Acknowledgements(IConstruct role, Map<String, java.util.Set<String>> findingsByReason) {}

    private void acknowledge(IRole role, String reason, String finding) {
        acknowledgements.computeIfAbsent(role.getNode().getPath(), k -> new Acknowledgements(role, new LinkedHashMap<>()))
                .findingsByReason().computeIfAbsent(reason, k -> new java.util.LinkedHashSet<>()).add(finding);
    }

    /** One suppression per reason, each listing exactly the wildcard findings it covers, on each role (and its policy). */
    private void acknowledgeWildcards() {
        for (Acknowledgements a : acknowledgements.values()) {
            List<NagPackSuppression> list = new ArrayList<>();
            a.findingsByReason().forEach((reason, findings) -> list.add(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5").reason(reason).appliesTo(List.copyOf(findings)).build()));
            NagSuppressions.addResourceSuppressions(a.role(), list, true);
        }
    }

    /** Every role here has X-Ray tracing (functions and state machines), state machines also log delivery. */
    private void acknowledgeNoResourceLevel(IRole role) {
        acknowledge(role, NO_RESOURCE_LEVEL, "Resource::*");
    }

    /** The cdk-nag spelling of a resource ARN built from {@link Aws} pseudo parameters. */
    private static String nagResource(String arn) {
        return "Resource::" + arn.replace(Aws.PARTITION, "<AWS::Partition>").replace(Aws.REGION, "<AWS::Region>")
                .replace(Aws.ACCOUNT_ID, "<AWS::AccountId>");
    }

    private String arn(String service, String resource) {
        return "arn:" + Aws.PARTITION + ":" + service + ":" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":" + resource;
    }

    /** {@code aws:ResourceTag/<protectionTagKey> = "true"}: only opted-in resources can be acted on. */
    private Map<String, Object> taggedProtected() {
        return Map.of("StringEquals", Map.of("aws:ResourceTag/" + config.protectionTagKey(), "true"));
    }

    /** What every database the restore playbook creates is named with (functions' RestorePlan.TARGET_NAME_MARKERS). */
    static final List<String> RESTORE_TARGET_MARKERS = List.of("-restored-", "-drill-");

    /** Tag every resource a playbook creates carries from its create request on ({@code dr:playbook=<playbook>}). */
    public static final String PLAYBOOK_TAG_KEY = "dr:playbook";

    /** Resources a playbook creates must be tagged with that playbook in the create request. */
    private static Map<String, Object> requestTaggedBy(String playbook) {
        return Map.of("StringEquals", Map.of("aws:RequestTag/" + PLAYBOOK_TAG_KEY, playbook));
    }

    /**
     * Secrets under a customer-managed key: Secrets Manager decrypts (and, to store a value, encrypts) with the
     * caller's permission on that key, and only through Secrets Manager.
     */
    private void allowSecretKeys(IRole role, boolean write) {
        allow(role, write ? List.of("kms:Decrypt", "kms:GenerateDataKey") : List.of("kms:Decrypt"), List.of(arn("kms", "key/*")),
                Map.of("StringEquals", Map.of("kms:ViaService", "secretsmanager." + Aws.REGION + ".amazonaws.com")), SECRET_KEYS);
    }

    private void allow(IRole role, List<String> actions, List<String> resources, Map<String, Object> conditions, String wildcardReason) {
        PolicyStatement.Builder b = PolicyStatement.Builder.create().effect(Effect.ALLOW).actions(actions).resources(resources);
        if (conditions != null) {
            b.conditions(conditions);
        }
        role.addToPrincipalPolicy(b.build());
        for (String resource : resources) {
            if (resource.contains("*")) {
                acknowledge(role, wildcardReason, nagResource(resource));
            }
        }
    }

    private void grantLedger(IRole role) {
        ledger.grantReadWriteData(role);
        String ledgerId = resolve(getLogicalId((CfnTable) ledger.getNode().getDefaultChild())).toString();
        acknowledge(role, LEDGER_INDEX, "Resource::<" + ledgerId + ".Arn>/index/*");
    }

    private void grantNotify(IRole role) {
        topic.grantPublish(role);
        acknowledge(role, TOPIC_KEY, "Action::kms:GenerateDataKey*");
    }

    private void grantRouter(JavaFunction router) {
        IRole role = router.role();
        stateMachines.values().forEach(sm -> sm.grantStartExecution(role));
        // Reads tags and alarm definitions to decide whether a resource is opted in; read-only, so no tag condition.
        allow(role, List.of("lambda:ListTags", "lambda:GetAlias", "lambda:GetFunctionConfiguration"),
                List.of(arn("lambda", "function:*")), null, READ_ONLY_LOOKUP);
        allow(role, List.of("rds:ListTagsForResource", "rds:DescribeDBClusters", "rds:DescribeDBInstances"),
                List.of(arn("rds", "cluster:*"), arn("rds", "db:*")), null, READ_ONLY_LOOKUP);
        allow(role, List.of("cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"),
                List.of(arn("cloudwatch", "alarm:*")), null, READ_ONLY_LOOKUP);
        allow(role, List.of("secretsmanager:DescribeSecret"), List.of(arn("secretsmanager", "secret:*")), null, READ_ONLY_LOOKUP);
        allow(role, List.of("iam:ListUserTags", "iam:ListRoleTags"),
                List.of("arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":user/*",
                        "arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":role/*"), null, READ_ONLY_LOOKUP);
    }

    /** record-step's {@code open} admits direct starts: it reads the opt-in tag of the function or database named. */
    private void grantAdmission(JavaFunction fn) {
        allow(fn.role(), List.of("lambda:ListTags"), List.of(arn("lambda", "function:*")), null, READ_ONLY_LOOKUP);
        allow(fn.role(), List.of("rds:ListTagsForResource"), List.of(arn("rds", "cluster:*"), arn("rds", "db:*")), null, READ_ONLY_LOOKUP);
    }

    /** The rollback playbook's Java steps: planning reads tagged functions, the health check reads alarms and metrics. */
    private void rollbackFunctionGrants() {
        allow(functions.get("plan-rollback").role(), List.of("lambda:GetAlias", "lambda:ListAliases", "lambda:ListVersionsByFunction",
                        "lambda:GetFunctionConfiguration", "lambda:ListTags"),
                List.of(arn("lambda", "function:*")), taggedProtected(), TAG_SCOPED);
        IRole check = functions.get("check-alarm").role();
        allow(check, List.of("cloudwatch:DescribeAlarms"), List.of(arn("cloudwatch", "alarm:*")), null, READ_ONLY_LOOKUP);
        allow(check, List.of("cloudwatch:GetMetricData"), List.of("*"), null, NO_RESOURCE_LEVEL);
    }

    /** What every playbook needs: its Lambda steps, the ledger, the topic. */
    private void grantPlaybookBasics(StateMachine sm, Catalog.Playbook playbook) {
        // A state machine may invoke its own steps and no others (RotateSecret names the rotation function: it too).
        for (Catalog.Function f : catalog.invokedBy(playbook)) {
            functions.get(f.name()).alias().grantInvoke(sm.getRole());
        }
        grantLedger(sm.getRole());
        grantNotify(sm.getRole());
        acknowledgeNoResourceLevel(sm.getRole());
    }

    /** rollback-lambda-alias: read versions, move the alias; only on functions tagged protected. */
    private void grantRollbackLambdaAlias(IRole role) {
        allow(role, List.of("lambda:GetAlias", "lambda:UpdateAlias", "lambda:ListAliases", "lambda:ListVersionsByFunction",
                        "lambda:GetFunctionConfiguration", "lambda:ListTags"),
                List.of(arn("lambda", "function:*")), taggedProtected(), TAG_SCOPED);
        allow(role, List.of("cloudwatch:DescribeAlarms"), List.of(arn("cloudwatch", "alarm:*")), null, READ_ONLY_LOOKUP);
    }

    /** restore-database-to-point-in-time: snapshot and restore tagged databases into new, tagged ones. */
    private void grantRestoreDatabase(IRole role) {
        allow(role, List.of("rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeDBClusterSnapshots",
                        "rds:DescribeDBSnapshots", "rds:DescribeDBSubnetGroups", "rds:ListTagsForResource"),
                List.of(arn("rds", "cluster:*"), arn("rds", "db:*"), arn("rds", "cluster-snapshot:*"), arn("rds", "snapshot:*"),
                        arn("rds", "subgrp:*")), null, READ_ONLY_LOOKUP);
        // Acting on the source: only databases tagged protected.
        allow(role, List.of("rds:CreateDBClusterSnapshot", "rds:CreateDBSnapshot", "rds:RestoreDBClusterToPointInTime",
                        "rds:RestoreDBInstanceToPointInTime", "rds:ModifyDBCluster", "rds:ModifyDBInstance",
                        "rds:PromoteReadReplica", "rds:PromoteReadReplicaDBCluster"),
                List.of(arn("rds", "cluster:*"), arn("rds", "db:*")), taggedProtected(), TAG_SCOPED);
        // What the playbook creates carries dr:playbook=<this playbook> from the request on (snapshots, restored
        // databases, drill copies, instances): only snapshot resources here, so that an unprotected source never passes.
        allow(role, List.of("rds:CreateDBClusterSnapshot", "rds:CreateDBSnapshot", "rds:AddTagsToResource"),
                List.of(arn("rds", "cluster-snapshot:*"), arn("rds", "snapshot:*")), requestTaggedBy(RESTORE), TAG_SCOPED);
        // The restored database and its instances: new resources, tagged by the playbook and named by its plan
        // (<source>-restored-<stamp>, drills <source>-drill-<stamp>). RDS authorises a restore against the source as well
        // as the target, both of one resource type: the name pattern is what keeps an unprotected source out.
        List<String> targets = new ArrayList<>();
        for (String marker : RESTORE_TARGET_MARKERS) {
            targets.add(arn("rds", "cluster:*" + marker + "*"));
            targets.add(arn("rds", "db:*" + marker + "*"));
        }
        allow(role, List.of("rds:RestoreDBClusterToPointInTime", "rds:RestoreDBInstanceToPointInTime", "rds:CreateDBInstance",
                "rds:AddTagsToResource"), targets, requestTaggedBy(RESTORE), TAG_SCOPED);
        // RDS also authorises a restore against the subnet group, parameter groups and option group it copies from
        // the source (and instances against theirs); these are shared configuration, never changed here.
        allow(role, List.of("rds:RestoreDBClusterToPointInTime", "rds:RestoreDBInstanceToPointInTime", "rds:CreateDBInstance"),
                List.of(arn("rds", "subgrp:*"), arn("rds", "cluster-pg:*"), arn("rds", "pg:*"), arn("rds", "og:*")), null, RDS_RESTORE_INPUTS);
        // An encrypted source restores with its KMS key: RDS needs a grant on it, and only RDS may use this permission.
        allow(role, List.of("kms:CreateGrant", "kms:DescribeKey"), List.of(arn("kms", "key/*")),
                Map.of("StringLike", Map.of("kms:ViaService", "rds." + Aws.REGION + ".amazonaws.com")), TAG_SCOPED);
    }

    /** respond-to-credential-compromise: rotate tagged secrets, deactivate tagged users' keys, block IPs in tagged IP sets. */
    private void grantRespondToCredentialCompromise(IRole role) {
        allow(role, List.of("secretsmanager:DescribeSecret", "secretsmanager:RotateSecret"),
                List.of(arn("secretsmanager", "secret:*")), taggedProtected(), TAG_SCOPED);
        // A user's key is deactivated and its sessions issued before the incident denied (an inline policy).
        allow(role, List.of("iam:UpdateAccessKey", "iam:PutUserPolicy"),
                List.of("arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":user/*"), taggedProtected(), TAG_SCOPED);
        // Temporary (ASIA...) keys of a role cannot be deactivated: the playbook revokes the role's older sessions.
        allow(role, List.of("iam:PutRolePolicy"),
                List.of("arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":role/*"), taggedProtected(), TAG_SCOPED);
        allow(role, List.of("guardduty:GetFindings"), List.of(arn("guardduty", "detector/*")), null, READ_ONLY_LOOKUP);
    }

    /**
     * The credential playbook's WAF block list and its Java steps' grants. The rotation function is invoked by
     * Secrets Manager itself; it and the verifier need a network path to the databases (catalog: DATABASE_NETWORK).
     */
    private void credentialResources() {
        this.blockList = blockList("BlockList", "-blocklist", "IPV4");
        this.blockList6 = blockList("BlockList6", "-blocklist6", "IPV6");
        parameters.put("WafIpSetName", blockList.getName());
        parameters.put("WafIpSetId", blockList.getAttrId());
        parameters.put("WafScope", blockList.getScope());
        parameters.put("WafIpSet6Name", blockList6.getName());
        parameters.put("WafIpSet6Id", blockList6.getAttrId());
        JavaFunction rotation = functions.get("secret-rotation");
        // Secrets rotate through the `live` alias ARN, so the permission sits on the alias.
        rotation.alias().addPermission("SecretsManagerInvoke", software.amazon.awscdk.services.lambda.Permission.builder()
                .principal(new ServicePrincipal("secretsmanager.amazonaws.com")).sourceAccount(Aws.ACCOUNT_ID).build());
        allow(rotation.role(), List.of("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecretVersionStage"), List.of(arn("secretsmanager", "secret:*")), taggedProtected(), TAG_SCOPED);
        allowSecretKeys(rotation.role(), true);
        allow(rotation.role(), List.of("secretsmanager:GetRandomPassword"), List.of("*"), null, NO_RESOURCE_LEVEL);

        IRole resolve = functions.get("resolve-credential-targets").role();
        allow(resolve, List.of("secretsmanager:ListSecrets"), List.of("*"), null, NO_RESOURCE_LEVEL);
        // Reading a secret's tags decides whether it is opted in (and tells "no such secret" from "not opted in").
        allow(resolve, List.of("secretsmanager:DescribeSecret"), List.of(arn("secretsmanager", "secret:*")), null, READ_ONLY_LOOKUP);
        allow(resolve, List.of("secretsmanager:GetSecretValue"), List.of(arn("secretsmanager", "secret:*")), taggedProtected(), TAG_SCOPED);
        allowSecretKeys(resolve, false);
        // the plan lists a compromised user's other keys and console password, with a recommendation
        allow(resolve, List.of("iam:ListAccessKeys", "iam:GetLoginProfile"),
                List.of("arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":user/*"), taggedProtected(), TAG_SCOPED);

        allow(functions.get("check-rotation").role(), List.of("secretsmanager:DescribeSecret"), List.of(arn("secretsmanager", "secret:*")),
                taggedProtected(), TAG_SCOPED);

        IRole verify = functions.get("verify-rotation").role();
        allow(verify, List.of("secretsmanager:GetSecretValue"), List.of(arn("secretsmanager", "secret:*")), taggedProtected(), TAG_SCOPED);
        allowSecretKeys(verify, false);

        // one step reads, merges and writes each block list; each block's expiry is a ledger item (catalog: LEDGER)
        allow(functions.get("merge-ip-set").role(), List.of("wafv2:GetIPSet", "wafv2:UpdateIPSet"),
                List.of(arn("wafv2", "regional/ipset/*/*")), taggedProtected(), TAG_SCOPED);
    }

    private CfnIPSet blockList(String id, String suffix, String version) {
        return CfnIPSet.Builder.create(this, id)
                .name(getStackName() + suffix)
                .description("DR Responder - " + version + " addresses named in GuardDuty findings, blocked until their expiry in the ledger")
                .scope("REGIONAL").ipAddressVersion(version).addresses(List.of())
                .tags(List.of(CfnTag.builder().key(config.protectionTagKey()).value("true").build()))
                .build();
    }

    /**
     * Every 15 minutes merge-ip-set removes the addresses whose block expired (only those the responder added); only
     * when the credential playbook, which blocks them, is deployed.
     */
    private void ipBlockSweeper(JavaFunction merge) {
        if (!stateMachines.containsKey(CREDENTIALS)) {
            return;
        }
        Map<String, Object> ipSets = Map.of(
                "ipv4", Map.of("name", blockList.getName(), "id", blockList.getAttrId(), "scope", blockList.getScope()),
                "ipv6", Map.of("name", blockList6.getName(), "id", blockList6.getAttrId(), "scope", blockList6.getScope()));
        Rule rule = Rule.Builder.create(this, "IpBlockSweeperRule")
                .description("DR Responder: removes expired WAF blocks")
                .schedule(Schedule.expression("rate(15 minutes)"))
                .build();
        rule.addTarget(new LambdaFunction(merge.alias(), LambdaFunctionProps.builder()
                .event(RuleTargetInput.fromObject(Map.of("sweep", true, "ipSets", ipSets)))
                .deadLetterQueue(deadLetterQueue)
                .maxEventAge(EVENT_MAX_AGE)
                .retryAttempts(EVENT_RETRY_ATTEMPTS)
                .build()));
        rules.put("ip-block-sweeper", rule);
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
        ((software.amazon.awscdk.services.lambda.CfnFunction) fn.function().getNode().getDefaultChild())
                .addPropertyOverride("VpcConfig", Map.of("SubnetIds", vpc.subnetIds(), "SecurityGroupIds", vpc.securityGroupIds()));
        // What AWSLambdaVPCAccessExecutionRole grants: Lambda manages the function's network interfaces.
        allow(fn.role(), List.of("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"), List.of("*"), null, NO_RESOURCE_LEVEL);
    }

    /** The restore playbook's Java steps, each with only what it uses; its RTO/RPO targets. */
    private void restoreResources() {
        parameters.put("RtoTargetMinutes", Integer.toString(config.rtoTargetMinutes()));
        parameters.put("RpoTargetMinutes", Integer.toString(config.rpoTargetMinutes()));
        List<String> databases = List.of(arn("rds", "cluster:*"), arn("rds", "db:*"));
        List<String> describe = List.of("rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:ListTagsForResource");
        allow(functions.get("validate-restore").role(), describe, databases, null, READ_ONLY_LOOKUP);
        allow(functions.get("check-progress").role(), List.of("rds:DescribeDBClusters", "rds:DescribeDBInstances",
                "rds:DescribeDBClusterSnapshots", "rds:DescribeDBSnapshots"), List.of(arn("rds", "cluster:*"), arn("rds", "db:*"),
                arn("rds", "cluster-snapshot:*"), arn("rds", "snapshot:*")), null, READ_ONLY_LOOKUP);
        JavaFunction verify = functions.get("verify-database");
        // Only secrets linked to a database (tag dr:database); the code also checks the value names the database verified.
        // A verification login (read-only user) need not be dr:protected: the responder never rotates it.
        allow(verify.role(), List.of("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"), List.of(arn("secretsmanager", "secret:*")),
                Map.of("Null", Map.of("aws:ResourceTag/dr:database", "false")), TAG_SCOPED);
        allowSecretKeys(verify.role(), false);
        // validation reads the tags of what a request names besides the database (verify secret, cut-over target)
        JavaFunction validate = functions.get("validate-restore");
        allow(validate.role(), List.of("secretsmanager:DescribeSecret"), List.of(arn("secretsmanager", "secret:*")), null, READ_ONLY_LOOKUP);
        allow(validate.role(), List.of("ssm:ListTagsForResource"), List.of(arn("ssm", "parameter/*")), null, READ_ONLY_LOOKUP);
        allow(validate.role(), List.of("lambda:GetFunction"), List.of(arn("lambda", "function:*")), null, READ_ONLY_LOOKUP);
        JavaFunction cutover = functions.get("config-cutover");
        allow(cutover.role(), List.of("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"),
                List.of(arn("secretsmanager", "secret:*")), taggedProtected(), TAG_SCOPED);
        allowSecretKeys(cutover.role(), true);
        allow(cutover.role(), List.of("ssm:GetParameter", "ssm:PutParameter"), List.of(arn("ssm", "parameter/*")), taggedProtected(), TAG_SCOPED);
        // a SecureString's type and KMS key (written back unchanged) are only in DescribeParameters, which has no resource level
        allow(cutover.role(), List.of("ssm:DescribeParameters"), List.of("*"), null, NO_RESOURCE_LEVEL);
        allow(cutover.role(), List.of("kms:Decrypt", "kms:Encrypt"), List.of(arn("kms", "key/*")),
                Map.of("StringEquals", Map.of("kms:ViaService", "ssm." + Aws.REGION + ".amazonaws.com")), SECRET_KEYS);
        // PublishVersion keeps the old configuration (a URL may hold a password) in a version, referenced by number;
        // consumers behind an alias move with it (UpdateAlias), the old version being the undo
        allow(cutover.role(), List.of("lambda:GetFunctionConfiguration", "lambda:PublishVersion", "lambda:UpdateFunctionConfiguration",
                "lambda:GetAlias", "lambda:ListAliases", "lambda:UpdateAlias"), List.of(arn("lambda", "function:*")), taggedProtected(), TAG_SCOPED);
        JavaFunction delete = functions.get("delete-drill-copy");
        allow(delete.role(), describe, databases, null, READ_ONLY_LOOKUP);
        // The only deletion anywhere in the stack: resources the drill created, tagged dr:drill=true at creation.
        allow(delete.role(), List.of("rds:DeleteDBCluster", "rds:DeleteDBInstance"), databases,
                Map.of("StringEquals", Map.of("aws:ResourceTag/dr:drill", "true")), TAG_SCOPED);
        // IAM authorises DeleteDBCluster against the cluster AND a cluster-snapshot (both required resource types), even
        // with SkipFinalSnapshot. Safe unconditioned: the cluster statement above still requires dr:drill=true, and
        // this action cannot delete snapshots (that is DeleteDBClusterSnapshot, granted only to sweep-snapshots, on the playbook's own).
        allow(delete.role(), List.of("rds:DeleteDBCluster"), List.of(arn("rds", "cluster-snapshot:*")), null, FINAL_SNAPSHOT);
        snapshotSweeper(functions.get("sweep-snapshots"));
    }

    /** The manual snapshots a restore may take in the account (RDS default quota, per kind); the sweeper reports headroom against it. */
    static final int MANUAL_SNAPSHOT_QUOTA = 100;
    /** Alarm when fewer manual snapshots than this are left: a restore and its drills take two or three. */
    static final int SNAPSHOT_HEADROOM_ALARM = 10;

    /**
     * Daily, sweep-snapshots deletes the snapshots the restore playbook made once their dr:expires passed (only those:
     * the delete statement requires dr:playbook=restore-database-to-point-in-time on the snapshot), and an alarm
     * watches the manual-snapshot quota headroom it reports.
     */
    private void snapshotSweeper(JavaFunction sweeper) {
        allow(sweeper.role(), List.of("rds:DescribeDBClusterSnapshots", "rds:DescribeDBSnapshots"),
                List.of(arn("rds", "cluster-snapshot:*"), arn("rds", "snapshot:*")), null, READ_ONLY_LOOKUP);
        allow(sweeper.role(), List.of("rds:DeleteDBClusterSnapshot", "rds:DeleteDBSnapshot"),
                List.of(arn("rds", "cluster-snapshot:*"), arn("rds", "snapshot:*")),
                Map.of("StringEquals", Map.of("aws:ResourceTag/" + PLAYBOOK_TAG_KEY, RESTORE)), TAG_SCOPED);
        Rule rule = Rule.Builder.create(this, "SnapshotSweeperRule")
                .description("DR Responder: deletes expired snapshots the restore playbook made")
                .schedule(Schedule.expression("rate(1 day)"))
                .build();
        rule.addTarget(new LambdaFunction(sweeper.alias(), LambdaFunctionProps.builder()
                .event(RuleTargetInput.fromObject(Map.of("snapshotQuota", MANUAL_SNAPSHOT_QUOTA)))
                .deadLetterQueue(deadLetterQueue)
                .maxEventAge(EVENT_MAX_AGE)
                .retryAttempts(EVENT_RETRY_ATTEMPTS)
                .build()));
        rules.put("snapshot-sweeper", rule);
        software.amazon.awscdk.services.cloudwatch.Alarm.Builder.create(this, "ManualSnapshotHeadroomLow")
                .alarmDescription("DR Responder: fewer than " + SNAPSHOT_HEADROOM_ALARM + " manual RDS snapshots left under the quota;"
                        + " the next restore's snapshot would fail (delete old manual snapshots or raise the quota)")
                .metric(software.amazon.awscdk.services.cloudwatch.Metric.Builder.create().namespace(JavaFunction.METRICS_NAMESPACE)
                        .metricName("ManualSnapshotHeadroom").dimensionsMap(Map.of("Service", "sweep-snapshots"))
                        .statistic("Minimum").period(Duration.days(1)).build())
                .threshold(SNAPSHOT_HEADROOM_ALARM)
                .comparisonOperator(software.amazon.awscdk.services.cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(software.amazon.awscdk.services.cloudwatch.TreatMissingData.NOT_BREACHING)
                .build()
                .addAlarmAction(new software.amazon.awscdk.services.cloudwatch.actions.SnsAction(topic));
    }

    // ------------------------------------------------------------------ helpers

    private static void suppress(Construct resource, String ruleId, String reason) {
        NagSuppressions.addResourceSuppressions(resource, List.of(NagPackSuppression.builder().id(ruleId).reason(reason).build()));
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ accessors (tests, other constructs)

    public DrConfig config() { return config; }

    public Table ledger() { return ledger; }

    public Topic topic() { return topic; }

    public Queue deadLetterQueue() { return deadLetterQueue; }

    public Queue routerFailures() { return routerFailures; }

    /** Functions by service name: incident-router, record-step, plan-rollback, check-alarm. */
    public Map<String, JavaFunction> functions() { return Collections.unmodifiableMap(functions); }

    /** State machines by playbook name. */
    public Map<String, StateMachine> stateMachines() { return Collections.unmodifiableMap(stateMachines); }

    /** Rules by rule file name (plus {@code drill-schedule} when scheduled). */
    public Map<String, Rule> rules() { return Collections.unmodifiableMap(rules); }

    /** The {@code definitionSubstitutions} every state machine gets. */
    public Map<String, String> definitionSubstitutions() { return definitionSubstitutions; }

    public Monitoring monitoring() { return monitoring; }
}
