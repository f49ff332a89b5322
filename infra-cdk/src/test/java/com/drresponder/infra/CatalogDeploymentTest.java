package com.drresponder.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.catalog.Catalog;
import com.drresponder.infra.config.DrConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The synthesized template deploys exactly what the catalog names: its functions (service name, handler,
 * description, timeout), its environment keys and its substitutions. The local deployment is held to the same
 * catalog by functions' ResponderDeploymentIT, so the two deploy the same. One more playbook is one catalog entry.
 */
class CatalogDeploymentTest {
    /** Set per function by JavaFunction (runtime tuning), not part of the contract. */
    private static final Set<String> RUNTIME_KEYS = Set.of("POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE",
            "POWERTOOLS_LOG_LEVEL", "JAVA_TOOL_OPTIONS");
    private static final Catalog CATALOG = Catalog.RESPONDER;

    static DrResponderStack stack;
    static Template template;

    @BeforeAll
    static void synth() {
        stack = TestStacks.stack(TestStacks.app(), DrConfig.defaults(), TestStacks.repositoryLayout());
        template = Template.fromStack(stack);
    }

    @Test
    void template_should_deployEveryCatalogFunction_when_synthesized() {
        template.resourceCountIs("AWS::Lambda::Function", CATALOG.functions().size());
        assertThat(stack.functions().keySet()).containsExactlyInAnyOrderElementsOf(CATALOG.functions().stream().map(Catalog.Function::name).toList());
        for (Catalog.Function f : CATALOG.functions()) {
            template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Handler", f.handler(),
                    "Description", f.description(), "Timeout", f.timeoutSeconds(),
                    "Environment", Map.of("Variables", Match.objectLike(Map.of("POWERTOOLS_SERVICE_NAME", f.name()))))));
        }
    }

    @Test
    void everyFunction_should_getTheCatalogsEnvironmentKeys_when_synthesized() {
        for (Catalog.Function f : CATALOG.functions()) {
            Set<String> expected = new TreeSet<>(CATALOG.environment());
            if (f.equals(CATALOG.router())) {
                CATALOG.playbooks().forEach(p -> expected.add(p.stateMachineEnvVar()));
            }
            assertThat(contractKeys(f)).as("environment of %s", f.name()).isEqualTo(expected);
        }
    }

    @Test
    void stateMachines_should_getExactlyTheCatalogsSubstitutions_when_synthesized() {
        assertThat(stack.definitionSubstitutions().keySet()).containsExactlyInAnyOrderElementsOf(CATALOG.substitutionNames());
    }

    @Test
    void everyResponderPlaybook_should_beDeployedByItsOwnConstruct_when_synthesized() {
        // a playbook of the catalog without its construct would deploy without its service grants
        assertThat(Playbooks.CONSTRUCTS.keySet()).containsExactlyInAnyOrderElementsOf(CATALOG.playbooks().stream().map(Catalog.Playbook::name).toList());
        assertThat(stack.playbooks().get(RollbackPlaybook.NAME)).isInstanceOf(RollbackPlaybook.class);
        assertThat(stack.playbooks().get(RestorePlaybook.NAME)).isInstanceOf(RestorePlaybook.class);
        assertThat(stack.playbooks().get(CredentialPlaybook.NAME)).isInstanceOf(CredentialPlaybook.class);
    }

    @Test
    void anotherPlaybook_should_synthesize_when_addedAsOneCatalogEntry(@TempDir Path dir) throws Exception {
        // GIVEN the repository's playbooks plus one more: a catalog entry, its ASL and one handler
        Catalog.Function step = new Catalog.Function("fail-over-check", "FailOverCheck", "com.example.FailOverCheckHandler::handleRequest",
                "DR Responder: test playbook step", 30, Set.of(Catalog.Need.LEDGER), true);
        Catalog.Playbook failover = new Catalog.Playbook("fail-over-test-database", "failover", 3600, List.of(), List.of(), List.of(step));
        Catalog catalog = CATALOG.withPlaybook(failover);
        Path machines = Files.createDirectories(dir.resolve("statemachines"));
        for (Catalog.Playbook p : CATALOG.playbooks()) {
            Files.copy(TestStacks.REPO_ROOT.resolve("statemachines").resolve(p.stateMachineFile()), machines.resolve(p.stateMachineFile()));
        }
        Files.writeString(machines.resolve(failover.stateMachineFile()), FakePlaybook.ASL);
        ProjectLayout repo = TestStacks.repositoryLayout();
        ProjectLayout layout = new ProjectLayout(repo.infraCdkDir(), machines, repo.rulesDir(), repo.functionsZip());

        // WHEN the stack is synthesized from that catalog
        DrResponderStack extended = TestStacks.stack(TestStacks.app(), DrConfig.defaults(), layout, catalog);
        Template t = Template.fromStack(extended);

        // THEN its function, state machine, router variable, output and substitution are there
        t.resourceCountIs("AWS::StepFunctions::StateMachine", CATALOG.playbooks().size() + 1);
        t.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Handler", step.handler())));
        assertThat(extended.stateMachines()).containsKey("fail-over-test-database");
        assertThat(extended.playbooks().get("fail-over-test-database").getClass()).isEqualTo(PlaybookConstruct.class);
        assertThat(extended.definitionSubstitutions()).containsKey("FailOverCheckFunctionArn");
        assertThat(environment(t, CATALOG.router().handler())).containsKey("FAILOVER_STATE_MACHINE_ARN");
        assertThat(t.findOutputs("FailOverTestDatabaseStateMachineArn")).isNotEmpty();
        // and its state machine may invoke its own step's alias
        assertThat(String.valueOf(policiesOf(t, extended, extended.stateMachines().get("fail-over-test-database").getRole())))
                .contains(logicalId(extended, extended.functions().get("fail-over-check").alias()));
    }

    private static String logicalId(DrResponderStack s, software.constructs.IConstruct construct) {
        return s.logicalId(construct);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> policiesOf(Template t, DrResponderStack s, software.constructs.IConstruct role) {
        Map<String, Object> ref = Map.of("Ref", logicalId(s, role));
        return t.findResources("AWS::IAM::Policy").values().stream()
                .map(p -> (Map<String, Object>) ((Map<String, Object>) p).get("Properties"))
                .filter(p -> ((List<Object>) p.get("Roles")).contains(ref))
                .map(p -> p.get("PolicyDocument")).toList();
    }

    private static Set<String> contractKeys(Catalog.Function f) {
        Set<String> keys = new LinkedHashSet<>(environment(template, f.handler()).keySet());
        keys.removeAll(RUNTIME_KEYS);
        return new TreeSet<>(keys);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Template t, String handler) {
        return t.findResources("AWS::Lambda::Function").values().stream()
                .map(r -> (Map<String, Object>) ((Map<String, Object>) r).get("Properties"))
                .filter(p -> handler.equals(p.get("Handler")))
                .map(p -> (Map<String, Object>) ((Map<String, Object>) p.get("Environment")).get("Variables"))
                .findFirst().orElseThrow(() -> new AssertionError("no function with handler " + handler));
    }

    /** The extra playbook's ASL: one step with Retry and Catch, as the house rules ask. */
    static final class FakePlaybook {
        static final String ASL = """
                {"Comment":"test playbook","StartAt":"Check","States":{
                  "Check":{"Type":"Task","Comment":"the one step","Resource":"${FailOverCheckFunctionArn}",
                    "Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":1}],
                    "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Failed"}],"End":true},
                  "Failed":{"Type":"Fail","Comment":"the step failed"}}}
                """;
    }
}
