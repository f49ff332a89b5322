package com.drresponder.infra;

import com.drresponder.catalog.Catalog;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * The core's routing: the incident-router with its on-failure queue, the manual request bus, every rule that targets
 * the router ({@link #routeEvents}), the state machines it may start ({@link #register}) and the finaliser's rule. Its
 * construct id is CDK's hidden {@link ResponderCore#ID} too, so its resources keep their ids and the bus its name.
 */
public final class IncidentRouting extends Construct {
    public static final Duration EVENT_MAX_AGE = Duration.hours(1);
    public static final int EVENT_RETRY_ATTEMPTS = 8;
    public static final int ROUTER_RESERVED_CONCURRENCY = 5;

    private final ResponderCore core;
    private final JavaFunction router;
    private final Queue routerFailures;
    private final ManualRequestBus manualBus;
    private final Map<String, StateMachine> stateMachines = new LinkedHashMap<>();
    private final Map<String, Rule> rules = new LinkedHashMap<>();

    IncidentRouting(ResponderCore core) {
        super(core, ResponderCore.ID);
        this.core = core;
        this.router = core.function(this, core.catalog().router(), ROUTER_RESERVED_CONCURRENCY);
        grantLookups(router.role());
        this.routerFailures = routerFailureDestination();
        this.manualBus = new ManualRequestBus(this, "ManualRequests", core.config().operatorPrincipals());
        core.catalog().coreRules().forEach(rule -> routeEvents(this, rule));
        CfnOutput.Builder.create(this, "RouterAliasArn").value(router.alias().getFunctionArn()).build();
    }

    /**
     * The rule of {@code events/rules/<name>.json} in {@code scope}, targeting the router; the manual-requests rule goes
     * on the manual bus, for events of this account only. A rule two playbooks name is built once.
     */
    public Rule routeEvents(Construct scope, String name) {
        Rule existing = rules.get(name);
        if (existing != null) {
            return existing;
        }
        EventRuleDefinition definition = EventRuleDefinition.load(core.layout().rulesDir().resolve(name + ".json"));
        boolean manual = ManualRequestBus.RULE.equals(name);
        Rule.Builder builder = Rule.Builder.create(scope, definition.pascalName() + "Rule");
        if (manual) {
            builder.eventBus(manualBus.bus());
        }
        Rule rule = builder
                .description("DR Responder: events/rules/" + definition.file().getFileName() + " -> incident-router")
                .eventPattern(definition.toEventPattern())
                .build();
        CfnRule cfn = (CfnRule) rule.getNode().getDefaultChild();
        definition.extraFields().forEach((field, value) -> cfn.addPropertyOverride("EventPattern." + field, value));
        if (manual) {
            ManualRequestBus.pinToAccount(cfn);
            CfnOutput.Builder.create(this, "ManualBusName").value(manualBus.bus().getEventBusName()).build();
        }
        rule.addTarget(new LambdaFunction(router.alias(), targetProps().build()));
        rules.put(name, rule);
        return rule;
    }

    /** How every rule target is delivered: retried for an hour, then to the DLQ. */
    public LambdaFunctionProps.Builder targetProps() {
        return LambdaFunctionProps.builder().deadLetterQueue(core.deadLetterQueue()).maxEventAge(EVENT_MAX_AGE)
                .retryAttempts(EVENT_RETRY_ATTEMPTS);
    }

    /** A rule of a playbook's own (schedules), listed with the others under {@code name}. */
    public void addRule(String name, Rule rule) {
        rules.put(name, rule);
    }

    /** A playbook's state machine: the router may start it and knows its ARN. */
    public void register(Catalog.Playbook playbook, StateMachine stateMachine) {
        stateMachines.put(playbook.name(), stateMachine);
        router.addEnvironment(playbook.stateMachineEnvVar(), stateMachine.getStateMachineArn());
        stateMachine.grantStartExecution(router.role());
    }

    /**
     * The finaliser: Step Functions reports every execution of the stack's playbooks that ends FAILED, TIMED_OUT or
     * ABORTED (best-effort delivery); the function records it, releases the incident's lock and notifies.
     */
    void finaliserRule(JavaFunction finaliser) {
        if (stateMachines.isEmpty()) {
            return;
        }
        Rule rule = Rule.Builder.create(this, "PlaybookExecutionEndedRule")
                .description("DR Responder: a playbook execution failed, timed out or was aborted -> finaliser")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.states"))
                        .detailType(List.of("Step Functions Execution Status Change"))
                        .detail(Map.of("status", List.of("FAILED", "TIMED_OUT", "ABORTED"),
                                "stateMachineArn", stateMachines.values().stream().map(StateMachine::getStateMachineArn).toList()))
                        .build())
                .build();
        rule.addTarget(new LambdaFunction(finaliser.alias(), targetProps().build()));
    }

    /**
     * The router's own failures. The EventBridge target's DLQ only holds events EventBridge could not deliver; once
     * Lambda accepted an event, a function error is retried by Lambda's async queue (twice) and then the event goes to
     * this on-failure destination with the request (the whole event) and the error, instead of being dropped.
     */
    private Queue routerFailureDestination() {
        Queue queue = Queue.Builder.create(this, "RouterFailedEvents")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagSuppressions.addResourceSuppressions(queue, List.of(NagPackSuppression.builder().id("AwsSolutions-SQS3")
                .reason("This queue is itself the router's on-failure destination (failed events land here); a DLQ of it adds nothing.").build()));
        router.alias().configureAsyncInvoke(EventInvokeConfigOptions.builder()
                .onFailure(new SqsDestination(queue))
                .retryAttempts(2)
                .maxEventAge(Duration.hours(6))
                .build());
        return queue;
    }

    /** The router reads tags and alarm definitions to decide whether a resource is opted in; read-only, so no tag condition. */
    private void grantLookups(IRole role) {
        Permissions permissions = core.permissions();
        String why = Permissions.READ_ONLY_LOOKUP;
        permissions.allow(role, List.of("lambda:ListTags", "lambda:GetAlias", "lambda:GetFunctionConfiguration"),
                List.of(Permissions.arn("lambda", "function:*")), null, why);
        permissions.allow(role, List.of("rds:ListTagsForResource", "rds:DescribeDBClusters", "rds:DescribeDBInstances"),
                List.of(Permissions.arn("rds", "cluster:*"), Permissions.arn("rds", "db:*")), null, why);
        permissions.allow(role, List.of("cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"),
                List.of(Permissions.arn("cloudwatch", "alarm:*")), null, why);
        permissions.allow(role, List.of("secretsmanager:DescribeSecret"), List.of(Permissions.arn("secretsmanager", "secret:*")), null, why);
        permissions.allow(role, List.of("iam:ListUserTags", "iam:ListRoleTags"),
                List.of(Permissions.iamArn("user/*"), Permissions.iamArn("role/*")), null, why);
    }

    public JavaFunction router() { return router; }

    public Queue routerFailures() { return routerFailures; }

    /** State machines by playbook name. */
    public Map<String, StateMachine> stateMachines() { return Collections.unmodifiableMap(stateMachines); }

    /** Rules by rule file name, plus each playbook's own (drill-schedule, ip-block-sweeper). */
    public Map<String, Rule> rules() { return Collections.unmodifiableMap(rules); }
}
