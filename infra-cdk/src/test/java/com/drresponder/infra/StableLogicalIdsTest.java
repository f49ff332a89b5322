package com.drresponder.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.infra.config.DrConfigLoader;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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
    /** Per resource type, every logical id the stack had at b0cdd16 (drill schedule configured). */
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
            Map.entry("AWS::Logs::LogGroup", List.of("CheckAlarmLogGroupDA58F415", "CheckApprovalLogGroup71DC9DCD",
                    "CheckProgressLogGroup8C990367", "CheckRotationLogGroup49760D0C", "ConfigCutoverLogGroup66FA3F57",
                    "DeleteDrillCopyLogGroup70F1AFE9", "FinaliserLogGroup443C27E9", "IncidentRouterLogGroupF515BD4B",
                    "MergeIpSetLogGroup2DDBD724", "PlanRollbackLogGroupC9171DCF", "RecordRollbackLogGroup4945D12F",
                    "RecordStepLogGroup4365C1E7", "RecoveryMetricsLogGroup7E3AAF4C", "RequestApprovalLogGroup0174C2FB",
                    "ResolveTargetsLogGroupC85C0846", "RespondToCredentialCompromiseLogsF85D4A46", "SweepSnapshotsLogGroup11D1DF9A",
                    "RestoreDatabaseToPointInTimeLogs2F93AF10", "RollbackLambdaAliasLogsAEDF1824", "SecretRotationLogGroup968706C3",
                    "ValidateRestoreLogGroup3620CB64", "VerifyDatabaseLogGroupEE3251A7", "VerifyRotationLogGroupFD558BB7")),
            Map.entry("AWS::Lambda::Function", List.of("CheckAlarmFunction3C826B29", "CheckApprovalFunction84FA5808",
                    "CheckProgressFunctionAABF1070", "CheckRotationFunction453F631F", "ConfigCutoverFunctionAAC56BBC",
                    "DeleteDrillCopyFunction1FE78C8B", "FinaliserFunction0F4AEDD1", "IncidentRouterFunctionD9FBB062",
                    "MergeIpSetFunctionF0BE7D31", "PlanRollbackFunction5988B758", "RecordRollbackFunction7E767837",
                    "RecordStepFunction4063B888", "RecoveryMetricsFunctionFAAABCA0", "RequestApprovalFunctionA1A99567",
                    "ResolveTargetsFunction611E3CD5", "SecretRotationFunction837B37FB", "SweepSnapshotsFunction3D4A1FAD", "ValidateRestoreFunction97F0D18D",
                    "VerifyDatabaseFunction1AE53E5D", "VerifyRotationFunction4B5041D6")),
            Map.entry("AWS::Lambda::Alias", List.of("CheckAlarmLiveAliasE5BE6AB1", "CheckApprovalLiveAliasFFA2867B",
                    "CheckProgressLiveAlias0F506FAC", "CheckRotationLiveAliasB8F206AD", "ConfigCutoverLiveAlias80FF072A",
                    "DeleteDrillCopyLiveAliasB634C4F0", "FinaliserLiveAlias2299FD25", "IncidentRouterLiveAliasCCD8D995",
                    "MergeIpSetLiveAliasC59B96C5", "PlanRollbackLiveAlias8814096C", "RecordRollbackLiveAliasA63F1677",
                    "RecordStepLiveAliasF0443B08", "RecoveryMetricsLiveAliasB86FC943", "RequestApprovalLiveAlias4F89DDD5",
                    "ResolveTargetsLiveAlias57EDC7EC", "SecretRotationLiveAlias23013C82", "SweepSnapshotsLiveAliasE99AB095", "ValidateRestoreLiveAlias8145BEED",
                    "VerifyDatabaseLiveAlias89426728", "VerifyRotationLiveAliasD6D4A39E")),
            Map.entry("AWS::Events::Rule", List.of("DrillScheduleRuleCEE2B6BE", "GuarddutyFindingsRuleF0A862E9",
                    "IpBlockSweeperRuleBF61DAE9", "LambdaAlarmsRuleED642250", "LambdaAliasChangesRule6FAEEB6C",
                    "ManualRequestsRule5B913245", "PlaybookExecutionEndedRuleCBD100FC", "RdsEventsRuleA2298DEF", "SnapshotSweeperRuleFB2768D4")));

    /** Logical ids of playbooks added since b0cdd16, pinned from their first deploy on (fail-over-database, issue 17; rds-wait, issue 14). */
    static final Map<String, List<String>> ADDED = Map.ofEntries(
            Map.entry("AWS::StepFunctions::StateMachine", List.of("FailOverDatabaseBB174BAE")),
            Map.entry("AWS::Logs::LogGroup", List.of("CheckFailoverApprovalLogGroupFB1EA850", "CheckFailoverLogGroupDEF9D713",
                    "FailOverDatabaseLogs1D43CFAA", "FailoverConfigCutoverLogGroup3F562487", "FailoverMetricsLogGroupE0C6A898",
                    "PlanFailoverLogGroup9A37D2D8", "RequestFailoverApprovalLogGroupDC26684B", "VerifyPromotedLogGroupEF670557",
                    "AliasHistoryRecorderLogGroupFF355CCD", "RdsWaitLogGroup2048EC8A")),
            Map.entry("AWS::Events::Rule", List.of("StartGuardDrainRule70983579", "RdsWaitEventsRuleB10DB826")),
            Map.entry("AWS::Lambda::Function", List.of("CheckFailoverApprovalFunction59992E3F", "CheckFailoverFunctionDD828C0B",
                    "FailoverConfigCutoverFunctionEACF888E", "FailoverMetricsFunctionF57EA307", "PlanFailoverFunctionCB479E2F",
                    "RequestFailoverApprovalFunction14C1C072", "VerifyPromotedFunction5935A1FC", "AliasHistoryRecorderFunctionFD381E32",
                    "RdsWaitFunctionCD62BFA6")),
            Map.entry("AWS::Lambda::Alias", List.of("CheckFailoverApprovalLiveAlias9D294C2B", "CheckFailoverLiveAliasD31F6E1D",
                    "FailoverConfigCutoverLiveAlias67BE20B5", "FailoverMetricsLiveAlias59FEF60D", "PlanFailoverLiveAlias3E44AD92",
                    "RequestFailoverApprovalLiveAliasC602DB67", "VerifyPromotedLiveAlias2C45C1EA", "AliasHistoryRecorderLiveAlias3A47CE15",
                    "RdsWaitLiveAliasF7B3093D")));

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
        PINNED.forEach((type, ids) -> {
            TreeSet<String> expected = new TreeSet<>(ids);
            expected.addAll(ADDED.getOrDefault(type, List.of()));
            assertThat(new TreeSet<>(template.findResources(type).keySet())).as(type).containsExactlyElementsOf(expected);
        });
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
