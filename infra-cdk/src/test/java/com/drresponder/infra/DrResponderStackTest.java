package com.drresponder.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.infra.config.DrConfig;
import com.drresponder.infra.config.DrConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.CfnAlias;

/** The stack built from all fixture playbooks and rules, with two e-mail subscribers, synthesized once. */
class DrResponderStackTest {

    static DrResponderStack stack;
    static Template template;
    static Map<String, Object> json;

    @BeforeAll
    static void synth() {
        App app = TestStacks.app();
        DrConfig config = DrConfigLoader.fromMap(Map.of(
                "notificationEmails", List.of("oncall@example.com", "platform@example.com"),
                "protectedResources", List.of("*"),
                "failoverRegions", List.of("us-west-2"),
                "drillTargets", List.of(Map.of("clusterId", "orders-db"))));
        stack = TestStacks.stack(app, config, TestStacks.repositoryLayout());
        template = Template.fromStack(stack);
        json = template.toJSON();
    }

    // ---------------------------------------------------------------- helpers

    /** {@code {"Ref": <logical id>}} of a construct's CloudFormation resource. */
    static Map<String, Object> ref(software.constructs.IConstruct construct) {
        return Map.of("Ref", logicalId(construct));
    }

    static String logicalId(software.constructs.IConstruct construct) {
        return stack.logicalId(construct);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> resources(String type) {
        Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
        ((Map<String, Object>) json.get("Resources")).forEach((id, r) -> {
            Map<String, Object> res = (Map<String, Object>) r;
            if (type.equals(res.get("Type"))) {
                out.put(id, res);
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> statements(Map<String, Object> policyResource) {
        Map<String, Object> doc = (Map<String, Object>) ((Map<String, Object>) policyResource.get("Properties")).get("PolicyDocument");
        return (List<Map<String, Object>>) doc.get("Statement");
    }

    static List<String> actions(Map<String, Object> statement) {
        Object a = statement.get("Action");
        return a instanceof List<?> l ? l.stream().map(Object::toString).toList() : List.of(String.valueOf(a));
    }

    static List<Map<String, Object>> statementsOfRole(software.constructs.IConstruct role) {
        String roleId = logicalId(role);
        List<Map<String, Object>> out = new ArrayList<>();
        resources("AWS::IAM::Policy").values().forEach(p -> {
            @SuppressWarnings("unchecked")
            List<Object> roles = (List<Object>) ((Map<String, Object>) p.get("Properties")).get("Roles");
            if (roles.contains(Map.of("Ref", roleId))) {
                out.addAll(statements(p));
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- ledger

    @Test
    void ledger_should_havePkSkKeysAndTtl_when_synthesized() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                "BillingMode", "PAY_PER_REQUEST",
                "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true)));
    }

    @Test
    void ledger_should_haveByStatusIndex_when_synthesized() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of("GlobalSecondaryIndexes", List.of(Match.objectLike(Map.of(
                "IndexName", "byStatus",
                "KeySchema", List.of(Map.of("AttributeName", "gsi1pk", "KeyType", "HASH"), Map.of("AttributeName", "gsi1sk", "KeyType", "RANGE")),
                "Projection", Map.of("ProjectionType", "ALL"))))));
    }

    @Test
    void ledger_should_havePointInTimeRecoveryAndEncryption_when_synthesized() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "SSESpecification", Map.of("SSEEnabled", true)));
    }

    @Test
    void ledger_should_beRetained_when_stackDeleted() {
        template.hasResource("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"));
    }

    // ---------------------------------------------------------------- notifications

    @Test
    void topic_should_useCustomerManagedKeyWithRotation_when_synthesized() {
        template.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
        template.hasResourceProperties("AWS::SNS::Topic", Map.of("KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(logicalId(stack.topic().getMasterKey()), "Arn"))));
    }

    @Test
    void topic_should_denyInsecureTransport_when_synthesized() {
        template.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))))));
    }

    @Test
    void topic_should_subscribeEachConfiguredEmail_when_emailsConfigured() {
        template.resourceCountIs("AWS::SNS::Subscription", 2);
        template.hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "oncall@example.com",
                "TopicArn", ref(stack.topic())));
        template.hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "platform@example.com"));
    }

    @Test
    void key_should_letCloudWatchAlarmsPublish_when_topicEncrypted() {
        template.hasResourceProperties("AWS::KMS::Key", Map.of("KeyPolicy", Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(
                Match.objectLike(Map.of("Principal", Map.of("Service", "cloudwatch.amazonaws.com"),
                        "Action", List.of("kms:Decrypt", "kms:GenerateDataKey*")))))))));
    }

    // ---------------------------------------------------------------- functions

    @Test
    void functions_should_beJava21Arm64WithSnapStartAndTracing_when_synthesized() {
        template.resourceCountIs("AWS::Lambda::Function", stack.functions().size()); // every function is one the stack registered
        template.allResourcesProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "TracingConfig", Map.of("Mode", "Active"),
                "MemorySize", 1024)));
        // 30 s for every step (the finaliser, the alias-history recorder) but the restore's and the failover's: 60 s, and 5 minutes for the data verifications.
        template.resourcePropertiesCountIs("AWS::Lambda::Function", Map.of("Timeout", 30), 12);
        template.resourcePropertiesCountIs("AWS::Lambda::Function", Map.of("Timeout", 60), 15); // rds-wait (issue 14) and global-failover (issue 17) included
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "com.drresponder.restore.VerifyDatabaseHandler::handleRequest", "Timeout", 300));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "com.drresponder.failover.VerifyPromotedHandler::handleRequest", "Timeout", 300));
    }

    @Test
    void functions_should_haveTheContractHandlers_when_synthesized() {
        for (String handler : List.of("com.drresponder.router.IncidentRouterHandler::handleRequest",
                "com.drresponder.timeline.RecordStepHandler::handleRequest",
                "com.drresponder.rollback.PlanRollbackHandler::handleRequest",
                "com.drresponder.rollback.CheckAlarmHandler::handleRequest")) {
            template.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", handler));
        }
    }

    @Test
    void functions_should_carryContractAndPowertoolsEnvironment_when_synthesized() {
        template.allResourcesProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
                "LEDGER_TABLE", ref(stack.ledger()),
                "TOPIC_ARN", ref(stack.topic()),
                "DR_MODE", "dry-run",
                "PROTECTION_TAG_KEY", "dr:protected",
                "PROTECTED_RESOURCES", "*",
                "GUARDDUTY_MIN_SEVERITY", "7.0",
                "CREDENTIAL_COOLDOWN_MINUTES", "30",
                "POWERTOOLS_METRICS_NAMESPACE", "DrResponder",
                "POWERTOOLS_LOG_LEVEL", "INFO",
                "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"))))));
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Environment", Map.of("Variables",
                Match.objectLike(Map.of("POWERTOOLS_SERVICE_NAME", "incident-router"))))));
    }

    @Test
    void functions_should_keepDatabaseTlsVerified_and_carryNoLocalDatabaseSettings_when_synthesized() {
        // verify-full against the shipped RDS roots is the functions' default; only the local deployment turns it off
        // or redirects database connections, and the stack never does
        template.allResourcesProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
                "DATABASE_TLS", Match.absent(),
                "LOCAL_DATABASE_ADDRESS", Match.absent(),
                "RESTORE_WITHOUT_APPROVAL", ""))))));
    }

    @Test
    void functions_should_logToOwnLogGroupKeptOneMonth_when_synthesized() {
        stack.functions().values().forEach(fn -> template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "LoggingConfig", Map.of("LogGroup", ref(fn.logGroup())))));
        stack.functions().values().forEach(fn -> template.hasResource("AWS::Logs::LogGroup", Map.of(
                "Properties", Map.of("RetentionInDays", 30))));
        assertThat(resources("AWS::Logs::LogGroup").keySet()).contains(stack.functions().values().stream()
                .map(fn -> logicalId(fn.logGroup())).toArray(String[]::new));
    }

    @Test
    void onlyFiveJavaSteps_should_changeAwsResources_when_synthesized() {
        // README: changes to protected resources are the state machines' aws-sdk integrations, except these Java steps
        java.util.regex.Pattern change = java.util.regex.Pattern.compile(
                "(lambda|rds|secretsmanager|ssm|wafv2|iam|cloudwatch|guardduty):(?!Describe|List|Get|BatchGet).*");
        java.util.Set<String> changing = new java.util.TreeSet<>();
        stack.functions().forEach((name, fn) -> statementsOfRole(fn.role()).stream()
                .filter(st -> "Allow".equals(st.get("Effect")))
                .flatMap(st -> actions(st).stream())
                .filter(a -> change.matcher(a).matches())
                .findAny().ifPresent(a -> changing.add(name)));

        assertThat(changing).containsExactlyInAnyOrder("merge-ip-set", "config-cutover", "failover-config-cutover", "delete-drill-copy",
                "secret-rotation", "sweep-snapshots", "global-failover");
    }

    @Test
    void functions_should_notUseAwsManagedPolicies_when_synthesized() {
        template.allResourcesProperties("AWS::IAM::Role", Match.objectLike(Map.of("ManagedPolicyArns", Match.absent())));
    }

    @Test
    void functions_should_eachHaveLiveAliasOnPublishedVersion_when_synthesized() {
        template.resourceCountIs("AWS::Lambda::Alias", stack.functions().size());
        template.resourceCountIs("AWS::Lambda::Version", stack.functions().size());
        stack.functions().values().forEach(fn -> template.hasResourceProperties("AWS::Lambda::Alias", Map.of(
                "Name", "live",
                "FunctionName", ref(fn.function()),
                "FunctionVersion", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp(logicalId(fn.function()).replaceAll("[0-9A-F]{8}$", "") + "CurrentVersion.*"), "Version")))));
    }

    @Test
    void router_should_haveReservedConcurrency_when_synthesized() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "com.drresponder.router.IncidentRouterHandler::handleRequest",
                "ReservedConcurrentExecutions", 5));
    }

    @Test
    void nonRouterFunctions_should_notReserveConcurrency_when_synthesized() {
        long reserved = resources("AWS::Lambda::Function").values().stream()
                .filter(r -> ((Map<?, ?>) r.get("Properties")).containsKey("ReservedConcurrentExecutions")).count();

        assertThat(reserved).isEqualTo(1);
    }

    @Test
    void router_should_knowEachStateMachineArn_when_playbooksExist() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "com.drresponder.router.IncidentRouterHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "ROLLBACK_STATE_MACHINE_ARN", ref(stack.stateMachines().get("rollback-lambda-alias")),
                        "RESTORE_STATE_MACHINE_ARN", ref(stack.stateMachines().get("restore-database-to-point-in-time")),
                        "CREDENTIALS_STATE_MACHINE_ARN", ref(stack.stateMachines().get("respond-to-credential-compromise")))))));
    }

    // ---------------------------------------------------------------- EventBridge

    @Test
    void rules_should_existOncePerRuleFile_when_rulesPresent() {
        List<EventRuleDefinition> files = EventRuleDefinition.loadAll(TestStacks.REPO_ROOT.resolve("events/rules"));

        assertThat(files).hasSize(6);
        template.resourceCountIs("AWS::Events::Rule", files.size() + 5); // + the drill schedule, the WAF block and snapshot sweepers, the finaliser's rule and the start guard's drain
    }

    @Test
    void ipBlockSweeper_should_sweepBothBlockListsEveryQuarterHour_withTheirOwnFunction_when_synthesized() {
        // the schedule invokes merge-ip-set with both IP sets; only merge-ip-set may change them (the state machine not)
        // (the input names the IP sets by their attributes, so CloudFormation joins it: read it as text)
        String sweeper = resources("AWS::Events::Rule").values().stream().map(Object::toString)
                .filter(r -> r.contains("rate(15 minutes)")).findFirst().orElseThrow();
        assertThat(sweeper).contains("MergeIpSetLiveAlias").contains("\"sweep\":true").contains("ipv4").contains("ipv6");
        template.resourcePropertiesCountIs("AWS::WAFv2::IPSet", Map.of("IPAddressVersion", "IPV6"), 1);
        Map<String, Object> waf = statementsOfRole(stack.functions().get("merge-ip-set").role()).stream()
                .filter(s -> actions(s).contains("wafv2:UpdateIPSet")).findFirst().orElseThrow();
        assertThat(waf.get("Condition")).isEqualTo(PROTECTED);
        assertThat(statementsOfRole(stack.stateMachines().get("respond-to-credential-compromise").getRole()).toString()).doesNotContain("wafv2:");
    }

    @Test
    void snapshotSweeper_should_runDaily_deleteOnlyRestoreSnapshots_and_alarmOnLowQuotaHeadroom_when_synthesized() {
        String sweeper = resources("AWS::Events::Rule").values().stream().map(Object::toString)
                .filter(r -> r.contains("rate(1 day)")).findFirst().orElseThrow();
        assertThat(sweeper).contains("SweepSnapshotsLiveAlias").contains("snapshotQuota");
        Map<String, Object> delete = statementsOfRole(stack.functions().get("sweep-snapshots").role()).stream()
                .filter(s -> actions(s).contains("rds:DeleteDBClusterSnapshot")).findFirst().orElseThrow();
        assertThat(delete.get("Condition")).isEqualTo(Map.of("StringEquals", Map.of("aws:ResourceTag/dr:playbook", "restore-database-to-point-in-time")));
        assertThat(delete.get("Resource").toString()).contains(":cluster-snapshot:*").contains(":snapshot:*").doesNotContain(":cluster:*");
        // no other role may delete a snapshot
        resources("AWS::IAM::Policy").forEach((id, p) -> {
            if (!id.startsWith("SweepSnapshots")) {
                assertThat(p.toString()).as(id).doesNotContain("rds:DeleteDBClusterSnapshot").doesNotContain("rds:DeleteDBSnapshot");
            }
        });
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "ManualSnapshotHeadroom", "Threshold", 10,
                "ComparisonOperator", "LessThanThreshold", "Statistic", "Minimum"));
    }

    @Test
    void rules_should_carryThePatternExactlyAsWritten_when_synthesized() {
        for (EventRuleDefinition rule : EventRuleDefinition.loadAll(TestStacks.REPO_ROOT.resolve("events/rules"))) {
            template.hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Match.objectEquals(TestStacks.deployedPattern(rule))));
        }
    }

    @Test
    void rules_should_targetRouterAliasWithRetryAndDeadLetterQueue_when_synthesized() {
        Map<String, Object> target = Map.of(
                "Arn", ref(stack.functions().get("incident-router").alias()),
                "RetryPolicy", Map.of("MaximumEventAgeInSeconds", 3600, "MaximumRetryAttempts", 8),
                "DeadLetterConfig", Map.of("Arn", Map.of("Fn::GetAtt", List.of(logicalId(stack.deadLetterQueue()), "Arn"))));
        for (String name : List.of("lambda-alarms", "rds-events", "guardduty-findings", "manual-requests")) {
            assertThat(stack.rules()).containsKey(name);
            template.hasResource("AWS::Events::Rule", Map.of("Properties", Match.objectLike(Map.of(
                    "Targets", List.of(Match.objectLike(target))))));
        }
        long routed = resources("AWS::Events::Rule").values().stream()
                .filter(r -> String.valueOf(r.get("Properties")).contains(logicalId(stack.functions().get("incident-router").alias())))
                .count();
        assertThat(routed).isEqualTo(6); // four rule files (not alias changes), the drill schedule and the start guard's drain
    }

    @Test
    @SuppressWarnings("unchecked")
    void aliasChangesRule_should_targetTheRecorderNotTheRouter_when_synthesized() {
        // account-wide deploy traffic must not take the router's reserved concurrency
        String rule = logicalId(stack.rules().get("lambda-alias-changes"));
        Map<String, Object> props = (Map<String, Object>) resources("AWS::Events::Rule").get(rule).get("Properties");
        assertThat(props.get("Targets").toString()).contains(logicalId(stack.functions().get("alias-history-recorder").alias()))
                .doesNotContain(logicalId(stack.functions().get("incident-router").alias()));
        template.resourcePropertiesCountIs("AWS::Lambda::Permission", Map.of("Action", "lambda:InvokeFunction", "Principal", "events.amazonaws.com",
                "FunctionName", ref(stack.functions().get("alias-history-recorder").alias())), 1);
    }

    @Test
    void router_should_allowEventBridgeToInvokeAliasOnly_when_rulesPresent() {
        template.resourcePropertiesCountIs("AWS::Lambda::Permission", Map.of(
                "Action", "lambda:InvokeFunction",
                "Principal", "events.amazonaws.com",
                "FunctionName", ref(stack.functions().get("incident-router").alias())), 6); // four rules + the drill schedule + the start guard's drain
    }

    @Test
    void rules_should_supportTopLevelOr_when_patternUsesIt() {
        EventRuleDefinition def = new EventRuleDefinition("x", java.nio.file.Path.of("x.json"),
                Map.of("source", List.of("aws.rds"), "$or", List.of(Map.of("account", List.of("1")), Map.of("region", List.of("eu-west-1")))));

        assertThat(def.extraFields()).containsOnlyKeys("$or");
        assertThat(def.toEventPattern().getSource()).containsExactly("aws.rds");
    }

    @Test
    void drillSchedule_should_sendADrillRequestPerTargetToTheRouterMonthly_when_configured() {
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "ScheduleExpression", "cron(0 3 1 * ? *)",
                "Targets", List.of(Match.objectLike(Map.of(
                        "InputTransformer", Match.objectLike(Map.of("InputTemplate", Match.stringLikeRegexp(
                                ".*drresponder.manual.*\"clusterId\":\"orders-db\".*\"playbook\":\"restore-database-to-point-in-time\",\"mode\":\"drill\".*"))),
                        "RetryPolicy", Map.of("MaximumEventAgeInSeconds", 3600, "MaximumRetryAttempts", 8),
                        "DeadLetterConfig", Map.of("Arn", Map.of("Fn::GetAtt", List.of(logicalId(stack.deadLetterQueue()), "Arn"))))))));
    }

    // ---------------------------------------------------------------- DLQ

    @Test
    void deadLetterQueue_should_beEncryptedAndEnforceSsl_when_synthesized() {
        template.resourceCountIs("AWS::SQS::Queue", 2); // the targets' DLQ and the router's on-failure queue
        template.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true, "MessageRetentionPeriod", 1_209_600));
        template.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Deny", "Action", "sqs:*",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))))));
    }

    @Test
    void deadLetterQueue_should_acceptOnlyFromTheRules_when_synthesized() {
        template.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Allow", "Action", "sqs:SendMessage",
                        "Principal", Map.of("Service", "events.amazonaws.com"),
                        "Condition", Map.of("ArnEquals", Map.of("aws:SourceArn",
                                Map.of("Fn::GetAtt", List.of(logicalId(stack.rules().get("lambda-alarms")), "Arn"))))))))))));
    }

    @Test
    void deadLetterQueue_should_alarmOnAnyVisibleMessage_when_synthesized() {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "ApproximateNumberOfMessagesVisible",
                "Namespace", "AWS/SQS",
                "Dimensions", List.of(Map.of("Name", "QueueName", "Value", Map.of("Fn::GetAtt", List.of(logicalId(stack.deadLetterQueue()), "QueueName")))),
                "Threshold", 0,
                "ComparisonOperator", "GreaterThanThreshold",
                "AlarmActions", List.of(ref(stack.topic()))));
    }

    // ---------------------------------------------------------------- state machines

    @Test
    void stateMachines_should_existOncePerAslFile_when_definitionsPresent() {
        assertThat(stack.stateMachines()).containsOnlyKeys("rollback-lambda-alias", "restore-database-to-point-in-time",
                "respond-to-credential-compromise", "fail-over-database");
        template.resourceCountIs("AWS::StepFunctions::StateMachine", 4);
    }

    @Test
    void stateMachines_should_beStandardWithErrorLoggingAndTracing_when_synthesized() {
        template.allResourcesProperties("AWS::StepFunctions::StateMachine", Match.objectLike(Map.of(
                "StateMachineType", "STANDARD",
                "TracingConfiguration", Map.of("Enabled", true),
                "LoggingConfiguration", Match.objectLike(Map.of("Level", "ERROR", "IncludeExecutionData", false,
                        "Destinations", List.of(Map.of("CloudWatchLogsLogGroup", Map.of("LogGroupArn", Match.anyValue())))))))); 
    }

    @Test
    @SuppressWarnings("unchecked")
    void stateMachines_should_receiveExactlyTheSubstitutionsTheirAslUses_when_synthesized() {
        Map<String, Map<String, Object>> machines = resources("AWS::StepFunctions::StateMachine");
        Map<String, Map<String, Object>> substitutions = new java.util.LinkedHashMap<>();
        stack.stateMachines().forEach((name, sm) -> substitutions.put(name,
                (Map<String, Object>) ((Map<String, Object>) machines.get(logicalId(sm)).get("Properties")).get("DefinitionSubstitutions")));

        substitutions.forEach((name, subs) -> assertThat(subs.keySet()).as(name).containsExactlyInAnyOrderElementsOf(
                com.drresponder.catalog.Substitutions.names(PlaybookDefinition.load(TestStacks.REPO_ROOT.resolve("statemachines/" + name + ".asl.json")).definition())));
        assertThat(substitutions.get("rollback-lambda-alias").get("RecordStepFunctionArn")).isEqualTo(ref(stack.functions().get("record-step").alias()));
        assertThat(substitutions.get("restore-database-to-point-in-time").get("RtoTargetMinutes"))
                .isEqualTo(Integer.toString(stack.config().rtoTargetMinutes()));
    }

    @Test
    void stateMachines_should_carryTheAslText_when_synthesized() throws Exception {
        String asl = PlaybookDefinition.load(TestStacks.REPO_ROOT.resolve("statemachines/rollback-lambda-alias.asl.json")).definition();

        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of("DefinitionString", asl));
    }

    @Test
    @SuppressWarnings("unchecked")
    void stack_should_drainTheStartGuardEveryMinute_and_configureItsRate_when_synthesized() {
        assertThat(stack.rules()).containsKey("start-guard-drain");
        template.hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(1 minute)",
                "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", logicalId(stack.functions().get("incident-router").alias())))))));
        resources("AWS::Lambda::Function").forEach((id, f) -> assertThat(((Map<String, Map<String, Object>>) ((Map<String, Object>) f.get("Properties"))
                .get("Environment")).get("Variables")).as(id).containsEntry("MUTATING_STARTS_PER_MINUTE", "30"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void functions_should_getTheLockLeaseFromTheConfiguration_when_synthesized() {
        Map<String, Map<String, Object>> functions = resources("AWS::Lambda::Function");
        assertThat(functions).isNotEmpty();
        functions.forEach((id, f) -> assertThat(((Map<String, Map<String, Object>>) ((Map<String, Object>) f.get("Properties"))
                .get("Environment")).get("Variables")).as(id).containsEntry("LOCK_TTL_SECONDS", "7200"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void stateMachines_should_eachHaveTheTimeoutOfTheCatalog_when_synthesized() throws Exception {
        // GIVEN the catalog's timeouts, and ASL files that leave TimeoutSeconds to it
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String name : stack.stateMachines().keySet()) {
            assertThat(mapper.readTree(TestStacks.REPO_ROOT.resolve("statemachines/" + name + ".asl.json").toFile()).has("TimeoutSeconds"))
                    .as(name + ".asl.json must not set its own TimeoutSeconds").isFalse();
        }
        // THEN every synthesized state machine's definition has the catalog's TimeoutSeconds at the top level
        Map<String, Map<String, Object>> machines = resources("AWS::StepFunctions::StateMachine");
        assertThat(machines).hasSize(stack.stateMachines().size());
        for (String name : stack.stateMachines().keySet()) {
            Map<String, Object> props = (Map<String, Object>) machines.get(logicalId(stack.stateMachines().get(name))).get("Properties");
            com.fasterxml.jackson.databind.JsonNode definition = mapper.readTree((String) props.get("DefinitionString"));
            int expected = com.drresponder.catalog.Catalog.RESPONDER.playbook(name).timeoutSeconds();
            assertThat(definition.path("TimeoutSeconds").asInt()).as(name).isEqualTo(expected);
        }
    }

    @Test
    void router_should_startExactlyThePlaybookStateMachines_when_synthesized() {
        List<Map<String, Object>> start = statementsOfRole(stack.functions().get("incident-router").role()).stream()
                .filter(s -> actions(s).contains("states:StartExecution")).toList();

        assertThat(start).hasSize(stack.stateMachines().size());
        assertThat(start).allSatisfy(s -> assertThat(actions(s)).containsExactly("states:StartExecution"));
        assertThat(start.stream().map(s -> s.get("Resource")).toList())
                .containsExactlyInAnyOrderElementsOf(stack.stateMachines().values().stream().map(DrResponderStackTest::ref).toList());
    }

    @Test
    void playbooks_should_invokeOnlyTheLiveAliases_when_synthesized() {
        List<Map<String, Object>> invoke = statementsOfRole(stack.stateMachines().get("rollback-lambda-alias").getRole()).stream()
                .filter(s -> actions(s).contains("lambda:InvokeFunction")).toList();

        assertThat(invoke).isNotEmpty();
        assertThat(invoke.toString()).contains(logicalId(stack.functions().get("plan-rollback").alias()))
                .doesNotContain(logicalId(stack.functions().get("plan-rollback").function()) + "\"");
    }

    @Test
    void rollbackPlaybook_should_updateAliasOnlyOnTaggedFunctions_when_synthesized() {
        Map<String, Object> update = statementsOfRole(stack.stateMachines().get("rollback-lambda-alias").getRole()).stream()
                .filter(s -> actions(s).contains("lambda:UpdateAlias")).findFirst().orElseThrow();

        assertThat(update.get("Condition")).isEqualTo(Map.of("StringEquals", Map.of("aws:ResourceTag/dr:protected", "true")));
    }

    @Test
    void planRollback_should_describeOnlyAlarms_andGetTheAlarmMaxAgeFromTheConfiguration_when_synthesized() {
        // freshness: plan-rollback reads the alarm that started it; nothing else of CloudWatch, only alarm ARNs
        List<Map<String, Object>> cloudWatch = statementsOfRole(stack.functions().get("plan-rollback").role()).stream()
                .filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("cloudwatch:"))).toList();
        assertThat(cloudWatch).hasSize(1);
        assertThat(actions(cloudWatch.get(0))).containsExactly("cloudwatch:DescribeAlarms");
        assertThat(cloudWatch.get(0).get("Resource")).isNotEqualTo("*");
        assertThat(cloudWatch.get(0).get("Resource").toString()).contains(":cloudwatch:").contains(":alarm:*");
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) resources("AWS::Lambda::Function")
                .get(logicalId(stack.functions().get("plan-rollback").function())).get("Properties")).get("Environment")).get("Variables");
        assertThat(env).containsEntry("ALARM_MAX_AGE_SECONDS", "900");
    }

    @Test
    void credentialPlaybook_should_rotateOnlyTaggedSecrets_when_synthesized() {
        Map<String, Object> rotate = statementsOfRole(stack.stateMachines().get("respond-to-credential-compromise").getRole()).stream()
                .filter(s -> actions(s).contains("secretsmanager:RotateSecret")).findFirst().orElseThrow();

        assertThat(rotate.get("Condition")).isEqualTo(Map.of("StringEquals", Map.of("aws:ResourceTag/dr:protected", "true")));
    }

    @Test
    void credentialPlaybook_should_denyOlderSessionsAndReadOtherKeysOfTaggedUsersOnly_when_synthesized() {
        // the state machine puts the session deny on a user; the resolver lists the user's keys and login profile
        Map<String, Object> deny = statementsOfRole(stack.stateMachines().get("respond-to-credential-compromise").getRole()).stream()
                .filter(s -> actions(s).contains("iam:PutUserPolicy")).findFirst().orElseThrow();
        Map<String, Object> read = statementsOfRole(stack.functions().get("resolve-credential-targets").role()).stream()
                .filter(s -> actions(s).contains("iam:GetLoginProfile")).findFirst().orElseThrow();

        for (Map<String, Object> statement : List.of(deny, read)) {
            assertThat(statement.get("Condition")).isEqualTo(PROTECTED);
            assertThat(statement.get("Resource").toString()).contains(":user/*").doesNotContain(":role/");
        }
        assertThat(actions(read)).containsExactlyInAnyOrder("iam:ListAccessKeys", "iam:GetLoginProfile");
    }

    private static final Map<String, Object> PROTECTED = Map.of("StringEquals", Map.of("aws:ResourceTag/dr:protected", "true"));
    private static final Map<String, Object> TAGGED_BY_RESTORE =
            Map.of("StringEquals", Map.of("aws:RequestTag/dr:playbook", "restore-database-to-point-in-time"));

    /** The restore role's statements granting {@code action}, each as "resource types -> condition". */
    @Test
    void deleteDrillCopy_should_deleteOnlyDrillTaggedDatabases_andMayNameTheFinalSnapshotResource_when_synthesized() {
        List<String> deletes = statementsOfRole(stack.functions().get("delete-drill-copy").role()).stream()
                .filter(s -> actions(s).contains("rds:DeleteDBCluster"))
                .map(s -> resourceTypes(s) + " -> " + s.getOrDefault("Condition", "none")).toList();
        assertThat(deletes).containsExactlyInAnyOrder(
                "cluster:* db:* -> {StringEquals={aws:ResourceTag/dr:drill=true}}",
                "cluster-snapshot:* -> none");
        assertThat(statementsOfRole(stack.functions().get("delete-drill-copy").role()))
                .noneMatch(s -> actions(s).stream().anyMatch(a -> a.contains("Snapshot")));
    }

    private static List<String> restoreStatementsFor(String action) {
        return statementsOfRole(stack.stateMachines().get("restore-database-to-point-in-time").getRole()).stream()
                .filter(s -> actions(s).contains(action))
                .map(s -> resourceTypes(s) + " -> " + s.getOrDefault("Condition", "none")).toList();
    }

    /** "cluster:* db:*" for the statement's RDS resources (the partition/region/account tokens elided). */
    private static String resourceTypes(Map<String, Object> statement) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("AccountId}, :([a-z-]+:[^\\],]+)]").matcher(statement.get("Resource").toString());
        List<String> types = new ArrayList<>();
        while (m.find()) {
            types.add(m.group(1));
        }
        return String.join(" ", types);
    }

    @Test
    void restorePlaybook_should_snapshotOnlyProtectedSources_andOnlyIntoSnapshotsTaggedByThePlaybook_when_synthesized() {
        assertThat(restoreStatementsFor("rds:CreateDBClusterSnapshot")).containsExactlyInAnyOrder(
                "cluster:* db:* -> " + PROTECTED,
                "cluster-snapshot:* snapshot:* -> " + TAGGED_BY_RESTORE);
    }

    @Test
    void restorePlaybook_should_restoreOnlyProtectedSources_intoDatabasesTaggedByThePlaybook_withTheSourcesInputs_when_synthesized() {
        assertThat(restoreStatementsFor("rds:RestoreDBClusterToPointInTime")).containsExactlyInAnyOrder(
                "cluster:* db:* -> " + PROTECTED,
                "cluster:*-restored-* db:*-restored-* cluster:*-drill-* db:*-drill-* -> " + TAGGED_BY_RESTORE,
                "subgrp:* cluster-pg:* pg:* og:* -> none");
    }

    @Test
    void restorePlaybook_should_restoreFromSnapshotsOnlyIntoDatabasesTaggedByThePlaybook_when_synthesized() {
        // the snapshot itself is unconditioned (automated snapshots carry no tags); validate-restore admits only the source's own
        for (String action : List.of("rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBInstanceFromDBSnapshot")) {
            assertThat(restoreStatementsFor(action)).as(action).containsExactlyInAnyOrder(
                    "cluster:*-restored-* db:*-restored-* cluster:*-drill-* db:*-drill-* -> " + TAGGED_BY_RESTORE,
                    "cluster-snapshot:* snapshot:* -> none",
                    "subgrp:* cluster-pg:* pg:* og:* -> none");
        }
    }

    @Test
    void failoverPlaybook_should_promoteOnlyProtectedReplicas_andFailOverOnlyProtectedClusters_when_synthesized() {
        List<Map<String, Object>> role = statementsOfRole(stack.stateMachines().get("fail-over-database").getRole());
        java.util.function.Function<String, List<String>> grants = action -> role.stream().filter(s -> actions(s).contains(action))
                .map(s -> resourceTypes(s) + " -> " + s.getOrDefault("Condition", "none")).toList();

        // the reader a failover names is authorised too (optional resource type); the cluster must be protected
        assertThat(grants.apply("rds:FailoverDBCluster")).containsExactlyInAnyOrder("cluster:* -> " + PROTECTED, "db:* -> none");
        // the rename cut-over renames only protected instances (the old primary and the promoted replica), never a cluster
        assertThat(grants.apply("rds:ModifyDBInstance")).containsExactly("db:* -> " + PROTECTED);
        // a drill: creates a replica only of a protected primary, named *-drill-* and tagged for the drill; promotes and deletes only that
        assertThat(grants.apply("rds:CreateDBInstanceReadReplica")).hasSize(3).contains("db:* -> " + PROTECTED, "subgrp:* pg:* og:* cluster:* -> none")
                .anySatisfy(g -> assertThat(g).startsWith("db:*-drill-* -> ").contains("aws:RequestTag/dr:drill=true")
                        .contains("aws:RequestTag/dr:playbook=fail-over-database"));
        assertThat(grants.apply("rds:DeleteDBInstance")).singleElement().satisfies(g -> assertThat(g).startsWith("db:*-drill-* -> ")
                .contains("aws:ResourceTag/dr:drill=true").contains("aws:ResourceTag/dr:playbook=fail-over-database"));
        assertThat(grants.apply("rds:PromoteReadReplica")).hasSize(2).contains("db:* -> " + PROTECTED);
        assertThat(role.stream().flatMap(s -> actions(s).stream()).toList())
                .doesNotContain("rds:DeleteDBCluster", "rds:ModifyDBCluster", "rds:CreateDBInstance", "rds:CreateDBCluster");
    }

    @Test
    void globalFailover_should_actOnlyOnProtectedClusters_inTheStacksAndTheConfiguredRegions_when_synthesized() {
        List<Map<String, Object>> role = statementsOfRole(stack.functions().get("global-failover").role());
        for (String action : List.of("rds:SwitchoverGlobalCluster", "rds:FailoverGlobalCluster", "rds:RemoveFromGlobalCluster")) {
            List<Map<String, Object>> grants = role.stream().filter(s -> actions(s).contains(action)).toList();
            // the secondary must be tagged protected; the global cluster (no Region, named by the primary) is authorised alongside it
            assertThat(grants).extracting(s -> resourceTypes(s) + " -> " + s.getOrDefault("Condition", "none"))
                    .as(action).containsExactlyInAnyOrder("cluster:* cluster:* -> " + PROTECTED, "global-cluster:* -> none");
            String clusters = grants.stream().filter(s -> resourceTypes(s).startsWith("cluster:")).findFirst().orElseThrow().get("Resource").toString();
            assertThat(clusters).as("the stack's Region and failoverRegions only").contains("AWS::Region").contains(":rds:us-west-2:")
                    .doesNotContain(":rds:*:");
        }
        // nothing else may make a secondary take over: not the state machine, no other function
        assertThat(statementsOfRole(stack.stateMachines().get("fail-over-database").getRole()).stream().flatMap(s -> actions(s).stream()))
                .noneMatch(a -> a.endsWith("GlobalCluster"));
        stack.functions().forEach((name, fn) -> {
            if (!name.equals("global-failover")) {
                assertThat(statementsOfRole(fn.role()).stream().flatMap(s -> actions(s).stream())).as(name)
                        .doesNotContain("rds:SwitchoverGlobalCluster", "rds:FailoverGlobalCluster", "rds:RemoveFromGlobalCluster");
            }
        });
    }

    @Test
    void secretReaders_should_decryptOnlyThroughSecretsManager_when_synthesized() {
        for (String fn : List.of("secret-rotation", "resolve-credential-targets", "verify-rotation", "verify-database", "config-cutover",
                "verify-promoted", "failover-config-cutover")) {
            Map<String, Object> decrypt = statementsOfRole(stack.functions().get(fn).role()).stream()
                    .filter(s -> actions(s).contains("kms:Decrypt")).findFirst().orElseThrow();

            assertThat(decrypt.get("Resource").toString()).as(fn).contains(":key/*");
            assertThat(decrypt.get("Condition").toString()).as(fn).contains("kms:ViaService").contains("secretsmanager.");
        }
    }

    @Test
    void configCutover_should_useParameterKeysOnlyThroughSsm_and_moveOnlyOptedInAliases_when_synthesized() {
        List<Map<String, Object>> statements = statementsOfRole(stack.functions().get("config-cutover").role());
        Map<String, Object> ssmKeys = statements.stream().filter(s -> actions(s).contains("kms:Encrypt")).findFirst().orElseThrow();
        Map<String, Object> alias = statements.stream().filter(s -> actions(s).contains("lambda:UpdateAlias")).findFirst().orElseThrow();

        assertThat(actions(ssmKeys)).containsExactlyInAnyOrder("kms:Decrypt", "kms:Encrypt");
        assertThat(ssmKeys.get("Condition").toString()).contains("kms:ViaService").contains("ssm.");
        assertThat(alias.get("Condition").toString()).contains("aws:ResourceTag/dr:protected");
        assertThat(actions(alias)).contains("lambda:GetAlias", "lambda:PublishVersion");
    }

    @Test
    void verifyRotation_should_findAManagedSecretsDatabaseReadOnly_andDescribeOnlyProtectedSecrets_when_synthesized() {
        List<Map<String, Object>> statements = statementsOfRole(stack.functions().get("verify-rotation").role());
        Map<String, Object> rds = statements.stream().filter(s -> actions(s).contains("rds:DescribeDBClusters")).findFirst().orElseThrow();
        assertThat(actions(rds)).containsExactlyInAnyOrder("rds:DescribeDBClusters", "rds:DescribeDBInstances");
        assertThat(statements.toString()).doesNotContain("rds:Modify").doesNotContain("rds:Delete");
        Map<String, Object> describe = statements.stream().filter(s -> actions(s).contains("secretsmanager:DescribeSecret")).findFirst().orElseThrow();
        assertThat(describe.get("Condition").toString()).contains("aws:ResourceTag/dr:protected");
    }

    @Test
    void rollbackPlaybook_should_notGetRdsPermissions_when_synthesized() {
        assertThat(statementsOfRole(stack.stateMachines().get("rollback-lambda-alias").getRole()).toString()).doesNotContain("rds:");
    }

    // ---------------------------------------------------------------- IAM

    @Test
    void policies_should_neverAllowEveryAction_when_synthesized() {
        List<String> offenders = new ArrayList<>();
        resources("AWS::IAM::Policy").forEach((id, p) -> statements(p).forEach(s -> {
            if (actions(s).stream().anyMatch(a -> a.equals("*") || a.endsWith(":*"))) {
                offenders.add(id + ": " + s);
            }
        }));

        assertThat(resources("AWS::IAM::Policy")).isNotEmpty();
        assertThat(offenders).isEmpty();
    }

    @Test
    void roles_should_haveNoInlineWildcardPolicies_when_synthesized() {
        assertThat(resources("AWS::IAM::Role").values().toString()).doesNotContain("\"Action\": \"*\"").doesNotContain("Action=*");
    }

    // ---------------------------------------------------------------- monitoring

    @Test
    void monitoring_should_alarmOnTimedOutAndAbortedExecutionsPerPlaybook_when_synthesized() {
        for (var sm : stack.stateMachines().values()) {
            for (String metric : List.of("ExecutionsTimedOut", "ExecutionsAborted")) {
                template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                        "Namespace", "AWS/States", "MetricName", metric,
                        "Dimensions", List.of(Map.of("Name", "StateMachineArn", "Value", ref(sm))),
                        "AlarmActions", List.of(ref(stack.topic()))));
            }
        }
    }

    @Test
    void monitoring_should_alarmOnFailuresOtherThanDesignedEscalations_when_synthesized() {
        // no alarm on Step Functions' raw ExecutionsFailed (designed escalations end in Fail states too) ...
        template.resourcePropertiesCountIs("AWS::CloudWatch::Alarm", Map.of("MetricName", "ExecutionsFailed"), 0);
        // ... but one on every playbook's ExecutionsFailed minus the finaliser's PlaybookEscalated
        String all = String.valueOf(resources("AWS::CloudWatch::Alarm").values());
        assertThat(all.split("ExecutionsFailed", -1)).hasSize(stack.stateMachines().size() + 1);
        assertThat(all).contains("PlaybookEscalated").contains("- FILL(escalated, 0)");
    }

    @Test
    void wafHeadroomAlarm_should_fireBeforeABlockListReachesWafsLimit_when_theCredentialPlaybookIsDeployed() {
        // merge-ip-set emits WafIpSetSize (each set's size after a change; IpBlockerTest); WAF refuses updates past 10,000 addresses
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", com.drresponder.catalog.Catalog.METRICS_NAMESPACE, "MetricName", "WafIpSetSize",
                "Dimensions", List.of(Map.of("Name", "Service", "Value", "merge-ip-set")),
                "Statistic", "Maximum", "Threshold", 8000, "ComparisonOperator", "GreaterThanThreshold",
                "AlarmActions", List.of(ref(stack.topic()))));
        assertThat(com.drresponder.catalog.Catalog.RESPONDER.functions()).anyMatch(f -> f.name().equals("merge-ip-set"));
    }

    @Test
    void responderFailedAlarm_should_subtractTheMetricTheFinaliserEmits_when_synthesized() {
        // the finaliser's EMF carries exactly one dimension, Service = its POWERTOOLS_SERVICE_NAME (the catalog name; FinaliserIT reads
        // it from the function's log): the alarm must name that metric exactly, or it subtracts nothing and alarms on every escalation
        String finaliser = com.drresponder.catalog.Catalog.RESPONDER.coreFunctions().stream()
                .filter(f -> f.handler().startsWith("com.drresponder.lifecycle.FinaliserHandler")).findFirst().orElseThrow().name();
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Metrics", Match.arrayWith(List.of(Match.objectLike(Map.of(
                "Id", "escalated",
                "MetricStat", Match.objectLike(Map.of("Metric", Map.of(
                        "Namespace", com.drresponder.catalog.Catalog.METRICS_NAMESPACE,
                        "MetricName", "PlaybookEscalated",
                        "Dimensions", List.of(Map.of("Name", "Service", "Value", finaliser)))))))))));
    }

    @Test
    void finaliser_should_receiveFailedTimedOutAndAbortedExecutionsOfTheStacksPlaybooks_when_synthesized() {
        template.hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Map.of(
                "source", List.of("aws.states"),
                "detail-type", List.of("Step Functions Execution Status Change"),
                "detail", Map.of("status", List.of("FAILED", "TIMED_OUT", "ABORTED"),
                        "stateMachineArn", stack.stateMachines().values().stream().map(sm -> (Object) ref(sm)).toList())),
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", ref(stack.functions().get("finaliser").alias()),
                        "DeadLetterConfig", Match.anyValue(),
                        "RetryPolicy", Match.anyValue())))));
    }

    @Test
    void router_should_sendEventsItFailedOnToAnEncryptedAlarmedQueue_when_asyncInvocationsFail() {
        // the alias EventBridge invokes: after Lambda's two retries the whole event goes to the on-failure queue
        template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                "FunctionName", ref(stack.functions().get("incident-router").function()),
                "Qualifier", Match.anyValue(), // the live alias (CDK selects its name from the alias ARN)
                "MaximumRetryAttempts", 2,
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination",
                        Map.of("Fn::GetAtt", List.of(logicalId(stack.routerFailures()), "Arn"))))));
        template.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS", "MetricName", "ApproximateNumberOfMessagesVisible",
                "Dimensions", List.of(Map.of("Name", "QueueName", "Value", Map.of("Fn::GetAtt", List.of(logicalId(stack.routerFailures()), "QueueName")))),
                "AlarmActions", List.of(ref(stack.topic()))));
    }

    @Test
    void monitoring_should_alarmOnRouterErrors_when_synthesized() {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/Lambda", "MetricName", "Errors",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", ref(stack.functions().get("incident-router").function()))),
                "AlarmActions", List.of(ref(stack.topic()))));
    }

    @Test
    void monitoring_should_haveOneAlarmPerSignal_when_synthesized() {
        // timed out + aborted per playbook; responder failed, router errors, DLQ, router failures, WAF headroom, manual-snapshot quota headroom
        template.resourceCountIs("AWS::CloudWatch::Alarm", 2 * stack.stateMachines().size() + 5 + 1);
    }

    @Test
    void dashboard_should_showIncidentsTimeToMitigateAndRto_when_synthesized() {
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
        String body = resources("AWS::CloudWatch::Dashboard").values().iterator().next().toString();

        assertThat(body).contains("IncidentsOpened", "TimeToMitigateSeconds", "MeasuredRtoSeconds", "DrResponder");
    }

    // ---------------------------------------------------------------- outputs

    @Test
    void outputs_should_exposeTableTopicRouterAndPlaybooks_when_synthesized() {
        template.hasOutput("LedgerTableName", Map.of("Value", ref(stack.ledger())));
        template.hasOutput("TopicArn", Map.of("Value", ref(stack.topic())));
        template.hasOutput("RollbackLambdaAliasStateMachineArn", Map.of("Value", ref(stack.stateMachines().get("rollback-lambda-alias"))));
    }

    @Test
    void aliasConstruct_should_beACfnAlias_when_synthesized() {
        assertThat(stack.functions().get("incident-router").alias().getNode().getDefaultChild()).isInstanceOf(CfnAlias.class);
    }
}
