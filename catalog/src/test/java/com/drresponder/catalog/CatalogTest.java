package com.drresponder.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogTest {
    private static final Catalog CATALOG = Catalog.RESPONDER;

    @Test
    void functions_should_listSharedStepsAndCoreFirstAndTheRouterLast_when_read() {
        List<String> names = CATALOG.functions().stream().map(Catalog.Function::name).toList();

        assertThat(names).startsWith("record-step", "finaliser").endsWith("incident-router").doesNotHaveDuplicates().hasSize(30);
        assertThat(CATALOG.stepFunctions()).doesNotContain(CATALOG.router()).hasSize(29);
    }

    @Test
    void playbook_should_nameItsFileEnvVarAndShortName_when_lookedUp() {
        Catalog.Playbook restore = CATALOG.playbook("restore-database-to-point-in-time");

        assertThat(restore.stateMachineFile()).isEqualTo("restore-database-to-point-in-time.asl.json");
        assertThat(restore.stateMachineEnvVar()).isEqualTo("RESTORE_STATE_MACHINE_ARN");
        assertThat(CATALOG.playbook("respond-to-credential-compromise").stateMachineEnvVar()).isEqualTo("CREDENTIALS_STATE_MACHINE_ARN");
        assertThat(CATALOG.playbook("fail-over-database").stateMachineEnvVar()).isEqualTo("FAIL_OVER_STATE_MACHINE_ARN");
        assertThatThrownBy(() -> CATALOG.playbook("nope")).hasMessageContaining("unknown playbook nope");
    }

    @Test
    void substitutionNames_should_holdStepArnsAndParameters_when_read() {
        Set<String> names = CATALOG.substitutionNames();

        assertThat(names).contains("RecordStepFunctionArn", "VerifyDatabaseFunctionArn", "WafIpSetId", "RtoTargetMinutes")
                .doesNotContain("SecretRotationFunctionArn", "IncidentRouterFunctionArn");
    }

    @Test
    void invokedBy_should_includeSharedStepsAndServiceInvokedFunctions_when_read() {
        List<String> names = CATALOG.invokedBy(CATALOG.playbook("respond-to-credential-compromise")).stream()
                .map(Catalog.Function::name).toList();

        assertThat(names).contains("record-step", "secret-rotation", "verify-rotation").doesNotContain("plan-rollback", "incident-router");
    }

    @Test
    void catalog_should_refuseAFunctionTwice_when_built() {
        Catalog.Function dup = CATALOG.function("plan-rollback");

        assertThatThrownBy(() -> CATALOG.withPlaybook(new Catalog.Playbook("other", "other", 3600, List.of(), List.of(), List.of(dup))))
                .hasMessageContaining("function plan-rollback is in the catalog twice");
        assertThatThrownBy(() -> CATALOG.withPlaybook(new Catalog.Playbook("x", "rollback", 3600, List.of(), List.of(), List.of())))
                .hasMessageContaining("twice");
    }

    @Test
    void ruleTarget_should_beTheRecorderForAliasChanges_and_theRouterOtherwise_when_read() {
        assertThat(CATALOG.ruleTarget("lambda-alias-changes").name()).isEqualTo("alias-history-recorder");
        assertThat(CATALOG.ruleTarget("rds-wait-events").name()).isEqualTo("rds-wait");
        CATALOG.rules().stream().filter(r -> !r.equals("lambda-alias-changes") && !r.equals("rds-wait-events"))
                .forEach(r -> assertThat(CATALOG.ruleTarget(r)).as(r).isEqualTo(CATALOG.router()));
        Catalog.Function stray = new Catalog.Function("stray", "Stray", "x.Stray::handleRequest", "d", 30, Set.of(), false, List.of("other-rule"));
        assertThatThrownBy(() -> CATALOG.withPlaybook(new Catalog.Playbook("p", "p", 3600, List.of(), List.of(), List.of(stray))))
                .hasMessageContaining("function stray targets rules [other-rule]");
    }

    @Test
    void rules_should_listCoreRulesThenEachPlaybooks_when_read() {
        assertThat(CATALOG.rules()).containsExactly("manual-requests", "lambda-alarms", "lambda-alias-changes", "guardduty-findings", "rds-events", "rds-wait-events");
    }
}
