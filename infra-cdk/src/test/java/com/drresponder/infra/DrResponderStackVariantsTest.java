package com.drresponder.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.catalog.Catalog;
import com.drresponder.infra.config.DrConfig;
import com.drresponder.infra.config.DrConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The stack of a catalog without playbooks (the core alone), in enforce mode without drill or e-mails,
 * and the stack of the repository's catalog.
 */
class DrResponderStackVariantsTest {

    @TempDir
    static Path empty;

    static Template bare;
    static Template inVpc;
    static DrResponderStack repoStack;
    static Template repo;

    @BeforeAll
    static void synth() {
        Map<String, Object> raw = new HashMap<>();
        raw.put("mode", "enforce");
        raw.put("drillSchedule", null);
        raw.put("findingActions", Map.of("UnauthorizedAccess:IAMUser/", List.of("notify")));
        DrConfig enforceNoDrill = DrConfigLoader.fromMap(raw);
        bare = Template.fromStack(TestStacks.stack(TestStacks.app(), enforceNoDrill, TestStacks.repositoryLayout(),
                Catalog.RESPONDER.withoutPlaybooks()));

        Map<String, Object> vpc = new HashMap<>();
        vpc.put("vpc", Map.of("vpcId", "vpc-0123456789abcdef0", "subnetIds", List.of("subnet-0123456789abcdef1", "subnet-0123456789abcdef2"), "securityGroupIds", List.of("sg-0123456789abcdef0")));
        // the credential playbook's settings, each away from its default
        vpc.put("blockHours", 6);
        vpc.put("wafMaxBlocksPerIncident", 10);
        vpc.put("rotationMaxChecks", 30);
        // and the restore playbook's snapshot settings
        vpc.put("snapshotRetentionDays", 7);
        vpc.put("manualSnapshotQuota", 500);
        inVpc = Template.fromStack(TestStacks.stack(TestStacks.app(), DrConfigLoader.fromMap(vpc), TestStacks.repositoryLayout()));

        repoStack = TestStacks.stack(TestStacks.app(), DrConfig.defaults(), TestStacks.repositoryLayout());
        repo = Template.fromStack(repoStack);
    }

    @Test
    void functions_should_receiveTheConfiguredFindingActions_when_synthesized() {
        // the router's classifier reads FINDING_ACTIONS; a restricted map reaches it as configured
        bare.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
                "POWERTOOLS_SERVICE_NAME", "incident-router",
                "FINDING_ACTIONS", "{\"UnauthorizedAccess:IAMUser/\":[\"notify\"]}"))))));
    }

    @Test
    void credentialFunctions_should_receiveTheConfiguredBlockExpiryCapAndRotationChecks_when_synthesized() {
        // merge-ip-set reads BLOCK_HOURS and WAF_MAX_BLOCKS_PER_INCIDENT, check-rotation ROTATION_MAX_CHECKS (CredentialSettings)
        for (String function : List.of("merge-ip-set", "check-rotation")) {
            inVpc.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
                    "POWERTOOLS_SERVICE_NAME", function, "BLOCK_HOURS", "6", "WAF_MAX_BLOCKS_PER_INCIDENT", "10", "ROTATION_MAX_CHECKS", "30"))))));
        }
        // AND the defaults, where nothing is configured
        repo.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
                "POWERTOOLS_SERVICE_NAME", "merge-ip-set", "BLOCK_HOURS", "24", "WAF_MAX_BLOCKS_PER_INCIDENT", "50", "ROTATION_MAX_CHECKS", "60"))))));
    }

    @Test
    void restore_should_receiveTheConfiguredSnapshotRetentionAndQuota_when_synthesized() {
        // validate-restore stamps dr:expires with SNAPSHOT_RETENTION_DAYS (RestoreSettings); the sweeper's daily input names the quota
        inVpc.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
                "POWERTOOLS_SERVICE_NAME", "validate-restore", "SNAPSHOT_RETENTION_DAYS", "7"))))));
        inVpc.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of("ScheduleExpression", "rate(1 day)",
                "Targets", Match.arrayWith(List.of(Match.objectLike(Map.of("Input", "{\"snapshotQuota\":500}")))))));
        // AND the defaults where nothing is configured: 30 days, RDS's quota of 100; the headroom alarm stays at 10 left
        repo.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
                "POWERTOOLS_SERVICE_NAME", "validate-restore", "SNAPSHOT_RETENTION_DAYS", "30"))))));
        repo.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of("ScheduleExpression", "rate(1 day)",
                "Targets", Match.arrayWith(List.of(Match.objectLike(Map.of("Input", "{\"snapshotQuota\":100}")))))));
        inVpc.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "ManualSnapshotHeadroom", "Threshold", 10));
    }

    @Test
    void stack_should_haveNoStateMachines_when_theCatalogHasNoPlaybooks() {
        bare.resourceCountIs("AWS::StepFunctions::StateMachine", 0);
    }

    @Test
    void stack_should_haveOnlyTheManualRule_when_noPlaybooksAndNoDrill() {
        bare.resourceCountIs("AWS::Events::Rule", 1);
        bare.resourcePropertiesCountIs("AWS::Lambda::Permission", Map.of("Principal", "events.amazonaws.com"), 1);
        // no credential playbook, so no rotation function for Secrets Manager to invoke
        bare.resourcePropertiesCountIs("AWS::Lambda::Permission", Map.of("Principal", "secretsmanager.amazonaws.com"), 0);
    }

    @Test
    void stack_should_stillDeployCoreResources_when_nothingElseHasLanded() {
        bare.resourceCountIs("AWS::Lambda::Function", 3); // record-step, the finaliser and the router: the core's functions
        bare.resourceCountIs("AWS::DynamoDB::Table", 1);
        bare.resourceCountIs("AWS::SNS::Topic", 1);
        bare.resourceCountIs("AWS::SQS::Queue", 2);
    }

    @Test
    void router_should_haveNoStartExecutionPermission_when_noPlaybooks() {
        assertThat(bare.findResources("AWS::IAM::Policy").toString()).doesNotContain("states:StartExecution");
    }

    @Test
    void topic_should_haveNoSubscriptions_when_noEmailsConfigured() {
        bare.resourceCountIs("AWS::SNS::Subscription", 0);
    }

    @Test
    void functions_should_runInEnforceMode_when_configured() {
        bare.allResourcesProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Environment", Map.of("Variables", Match.objectLike(Map.of("DR_MODE", "enforce")))))); 
    }

    @Test
    void monitoring_should_keepRouterAndDlqAlarms_when_noPlaybooks() {
        bare.resourceCountIs("AWS::CloudWatch::Alarm", 3); // router errors, target DLQ, router on-failure queue
    }

    @Test
    void stack_should_deployEveryRepositoryPlaybook_when_synthesizedFromRepository() {
        List<PlaybookDefinition> asl = PlaybookDefinition.loadAll(TestStacks.REPO_ROOT.resolve("statemachines"));

        repo.resourceCountIs("AWS::StepFunctions::StateMachine", asl.size());
        // every ASL file has its catalog entry and every catalog playbook its ASL file
        assertThat(repoStack.stateMachines().keySet()).containsExactlyInAnyOrderElementsOf(asl.stream().map(PlaybookDefinition::name).toList());
    }

    @Test
    void stack_should_loadEveryRepositoryRule_when_synthesizedFromRepository() {
        List<EventRuleDefinition> rules = EventRuleDefinition.loadAll(TestStacks.REPO_ROOT.resolve("events/rules"));
        for (EventRuleDefinition rule : rules) {
            repo.hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Match.objectEquals(TestStacks.deployedPattern(rule))));
        }
        long patternRules = repo.findResources("AWS::Events::Rule").values().stream()
                .filter(r -> String.valueOf(r).contains("EventPattern") && !String.valueOf(r).contains("aws.states")).count();

        assertThat(patternRules).isEqualTo(rules.size()); // besides the finaliser's rule on the stack's own executions
        // every rule file is one the catalog names, and every catalog rule has its file
        assertThat(repoStack.rules().keySet()).containsAll(Catalog.RESPONDER.rules());
        assertThat(rules).extracting(EventRuleDefinition::name).containsExactlyInAnyOrderElementsOf(Catalog.RESPONDER.rules());
    }

    @Test
    void stack_should_explainHowToBuild_when_lambdaPackageMissing() {
        ProjectLayout layout = TestStacks.repositoryLayout().withFunctionsZip(empty.resolve("nope.zip"));

        assertThatThrownBy(() -> TestStacks.stack(TestStacks.app(), DrConfig.defaults(), layout))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("./mvnw -B package -pl functions");
    }

    @Test
    void app_should_failSynth_when_contextConfigInvalid() {
        software.amazon.awscdk.App app = new software.amazon.awscdk.App(software.amazon.awscdk.AppProps.builder()
                .context(Map.of("drResponder", Map.of("mode", "yes"))).build());

        assertThatThrownBy(() -> DrConfigLoader.load(app.getNode(), empty))
                .hasMessage("drResponder.mode must be \"enforce\" or \"dry-run\", got \"yes\"");
    }

    @Test
    void databaseFacingFunctions_should_runInTheConfiguredVpc_when_vpcIsSet() {
        Map<String, Object> vpcConfig = Map.of("VpcConfig", Map.of("SubnetIds", List.of("subnet-0123456789abcdef1", "subnet-0123456789abcdef2"),
                "SecurityGroupIds", List.of("sg-0123456789abcdef0")));
        inVpc.resourcePropertiesCountIs("AWS::Lambda::Function", vpcConfig, 4);
        inVpc.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "com.drresponder.restore.VerifyDatabaseHandler::handleRequest", "VpcConfig", Match.anyValue())));
        inVpc.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "com.drresponder.credentials.PostgresRotationHandler::handleRequest", "VpcConfig", Match.anyValue())));
        inVpc.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "com.drresponder.credentials.VerifyRotationHandler::handleRequest", "VpcConfig", Match.anyValue())));
        inVpc.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "com.drresponder.failover.VerifyPromotedHandler::handleRequest", "VpcConfig", Match.anyValue())));
    }

    @Test
    void functions_should_runOutsideAnyVpc_when_vpcIsNotSet() {
        repo.resourcePropertiesCountIs("AWS::Lambda::Function", Map.of("VpcConfig", Match.anyValue()), 0);
    }

    @Test
    void functions_should_receiveAutoRestoreEventsAndPasswordRules_when_configured() {
        DrConfig config = DrConfigLoader.fromMap(Map.of("autoRestoreEventIds", List.of("RDS-EVENT-0049", "RDS-EVENT-0031"),
                "passwordLength", 48, "passwordExcludeCharacters", "/@;"));
        Template t = Template.fromStack(TestStacks.stack(TestStacks.app(), config, TestStacks.repositoryLayout()));

        for (String service : List.of("incident-router", "secret-rotation")) {
            t.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
                    "POWERTOOLS_SERVICE_NAME", service, "AUTO_RESTORE_EVENT_IDS", "RDS-EVENT-0049,RDS-EVENT-0031",
                    "PASSWORD_LENGTH", "48", "EXCLUDE_CHARACTERS", "/@;"))))));
        }
    }
}
