package com.drresponder.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.infra.config.DrConfigLoader;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Names;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.constructs.Construct;

/**
 * A deployed stack updates in place: the logical ids of its stateful resources (and the outputs drctl reads) are the
 * ones the stack had before the playbook constructs existed, when it created every resource itself (main at b0cdd16).
 * A changed id here means CloudFormation would REPLACE that resource on the next deploy: the ledger's data, the WAF
 * block lists' blocks, running executions, the manual bus operators are allowed to use.
 */
class StableLogicalIdsTest {
    /** Per resource type, every logical id the stack had at b0cdd16 (drill schedule configured) besides its functions' (below). */
    static final Map<String, List<String>> PINNED = Map.ofEntries(
            Map.entry("AWS::DynamoDB::Table", List.of("LedgerB7379752")),
            Map.entry("AWS::KMS::Key", List.of("NotificationKey6F64DE1A")),
            Map.entry("AWS::SNS::Topic", List.of("NotificationTopicEB7A0DF1")),
            Map.entry("AWS::SQS::Queue", List.of("EventTargetDlq352FBE50", "RouterFailedEventsB97B46F5")),
            Map.entry("AWS::WAFv2::IPSet", List.of("BlockList", "BlockList6")),
            Map.entry("AWS::Events::EventBus", List.of("ManualRequestsBusE56B372B")),
            Map.entry("AWS::CloudWatch::Dashboard", List.of("MonitoringDashboard0C3675C6")),
            Map.entry("AWS::StepFunctions::StateMachine", List.of("RespondToCredentialCompromiseCE37F1DF",
                    "RestoreDatabaseToPointInTime0A2F585A", "RollbackLambdaAlias13BC6130")),
            Map.entry("AWS::Logs::LogGroup", List.of("RespondToCredentialCompromiseLogsF85D4A46",
                    "RestoreDatabaseToPointInTimeLogs2F93AF10", "RollbackLambdaAliasLogsAEDF1824")),
            Map.entry("AWS::Events::Rule", List.of("DrillScheduleRuleCEE2B6BE", "GuarddutyFindingsRuleF0A862E9",
                    "IpBlockSweeperRuleBF61DAE9", "LambdaAlarmsRuleED642250", "LambdaAliasChangesRule6FAEEB6C",
                    "ManualRequestsRule5B913245", "PlaybookExecutionEndedRuleCBD100FC", "RdsEventsRuleA2298DEF", "SnapshotSweeperRuleFB2768D4")));

    /** Logical ids added since b0cdd16, pinned from their first deploy on (fail-over-database, issue 17; rds-wait's rule, issue 14). */
    static final Map<String, List<String>> ADDED = Map.ofEntries(
            Map.entry("AWS::StepFunctions::StateMachine", List.of("FailOverDatabaseBB174BAE")),
            Map.entry("AWS::Logs::LogGroup", List.of("FailOverDatabaseLogs1D43CFAA")),
            Map.entry("AWS::Events::Rule", List.of("StartGuardDrainRule70983579", "RdsWaitEventsRuleB10DB826")));

    /**
     * The functions, by construct id: at b0cdd16, and added since (fail-over-database, issue 17; the alias history
     * recorder; rds-wait, issue 14). Each one's function, live alias and log group ids follow from its path by CDK's algorithm
     * ({@link LogicalIds#uniqueId}, checked against CDK's own in uniqueId_should_beCdksAlgorithm).
     */
    static final List<String> PINNED_FUNCTIONS = List.of("CheckAlarm", "CheckApproval", "CheckProgress", "CheckRotation",
            "ConfigCutover", "DeleteDrillCopy", "Finaliser", "IncidentRouter", "MergeIpSet", "PlanRollback", "RecordRollback",
            "RecordStep", "RecoveryMetrics", "RequestApproval", "ResolveTargets", "SecretRotation", "SweepSnapshots",
            "ValidateRestore", "VerifyDatabase", "VerifyRotation");
    static final List<String> ADDED_FUNCTIONS = List.of("CheckFailoverApproval", "CheckFailover", "FailoverConfigCutover",
            "FailoverMetrics", "PlanFailover", "RequestFailoverApproval", "VerifyPromoted", "AliasHistoryRecorder", "RdsWait", "GlobalFailover");
    /** Per resource type, the construct id under the function's own whose L1 child ("Resource") each function's resource is. */
    static final Map<String, String> PER_FUNCTION = Map.of("AWS::Lambda::Function", "Function", "AWS::Lambda::Alias", "LiveAlias",
            "AWS::Logs::LogGroup", "LogGroup");

    static TreeSet<String> expectedIds(String type) {
        TreeSet<String> expected = new TreeSet<>(PINNED.getOrDefault(type, List.of()));
        expected.addAll(ADDED.getOrDefault(type, List.of()));
        if (PER_FUNCTION.containsKey(type)) {
            Stream.concat(PINNED_FUNCTIONS.stream(), ADDED_FUNCTIONS.stream())
                    .forEach(f -> expected.add(LogicalIds.uniqueId(List.of(f, PER_FUNCTION.get(type), "Resource"))));
        }
        return expected;
    }

    /** The outputs drctl and operators read, by name. */
    static final List<String> OUTPUTS = List.of("LedgerTableName", "ManualBusName", "RespondToCredentialCompromiseStateMachineArn",
            "RestoreDatabaseToPointInTimeStateMachineArn", "RollbackLambdaAliasStateMachineArn", "RouterAliasArn", "TopicArn",
            "FailOverDatabaseStateMachineArn");

    static Template template;

    @BeforeAll
    static void synth() {
        template = Template.fromStack(TestStacks.stack(TestStacks.app(),
                DrConfigLoader.fromMap(Map.of("drillTargets", List.of(Map.of("clusterId", "orders-db")))), TestStacks.repositoryLayout()));
    }

    @Test
    void statefulResources_should_keepTheirLogicalIds_when_builtByConstructs() {
        TreeSet<String> types = new TreeSet<>(PINNED.keySet());
        types.addAll(PER_FUNCTION.keySet());
        for (String type : types) {
            assertThat(new TreeSet<>(template.findResources(type).keySet())).as(type).containsExactlyElementsOf(expectedIds(type));
        }
    }

    @Test
    void manualBus_should_keepItsName_when_builtByTheCore() {
        // operators' IAM policies name the bus: a new name would lock them out
        template.hasResourceProperties("AWS::Events::EventBus", Map.of("Name", "DrResponderTestManualRequestsBus490CA2ED"));
    }

    @Test
    void outputs_should_keepTheirNames_when_builtByConstructs() {
        assertThat(new TreeSet<>(template.findOutputs("*").keySet())).containsExactlyElementsOf(new TreeSet<>(OUTPUTS));
    }

    @Test
    void uniqueId_should_beCdksAlgorithm_when_givenAPath() {
        // GIVEN constructs whose paths exercise the hidden ids, a duplicated term and a long single component
        App app = new App();
        Stack stack = new Stack(app, "S");
        Construct a = new Construct(stack, "Alpha");
        Construct dup = new Construct(a, "pha");
        Construct resource = new Construct(dup, "Resource");
        Construct hidden = new Construct(resource, "Default");
        Construct leaf = new Construct(hidden, "Leaf-1");

        // THEN LogicalIds computes what CDK's own Names.uniqueId computes for the same path
        for (Construct c : List.of(a, dup, resource, leaf)) {
            List<String> path = c.getNode().getScopes().stream().skip(1).map(s -> s.getNode().getId()).toList();
            assertThat(LogicalIds.uniqueId(path)).as(c.getNode().getPath()).isEqualTo(Names.uniqueId(c));
        }
    }

    @Test
    void keepStackScopeIds_should_fail_when_twoGroupedResourcesWouldShareAnId() {
        // GIVEN two groupings that each hold a resource with the same construct id
        Stack stack = new Stack(new App(), "S");
        for (String group : List.of("One", "Two")) {
            Construct grouping = new Grouped(stack, group);
            CfnResource.Builder.create(grouping, "Same").type("AWS::SQS::Queue").build();
        }

        // WHEN/THEN the second one's id is refused rather than silently overwriting the first resource
        assertThatThrownBy(() -> LogicalIds.keepStackScopeIds(stack)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("logical id Same");
    }

    @Test
    void keepStackScopeIds_should_dropOnlyTheGroupings_when_resourcesAreNested() {
        Stack stack = new Stack(new App(), "S");
        Construct grouping = new Grouped(stack, "Playbook");
        CfnResource queue = CfnResource.Builder.create(new Construct(grouping, "Queue"), "Resource").type("AWS::SQS::Queue").build();

        LogicalIds.keepStackScopeIds(stack);

        assertThat(stack.resolve(queue.getLogicalId())).isEqualTo(LogicalIds.uniqueId(List.of("Queue", "Resource")));
    }

    static final class Grouped extends Construct implements LogicalIds.Grouping {
        Grouped(Construct scope, String id) {
            super(scope, id);
        }
    }
}
