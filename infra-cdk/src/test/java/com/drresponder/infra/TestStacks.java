package com.drresponder.infra;

import com.drresponder.catalog.Catalog;
import com.drresponder.infra.config.DrConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

/** Builds stacks for tests from the repository's real playbooks (statemachines/) and rules (events/rules/). */
final class TestStacks {
    static final Path MODULE_DIR = Path.of("").toAbsolutePath();
    static final Path FIXTURES = MODULE_DIR.resolve("src/test/resources/fixtures");
    static final Path REPO_ROOT = ProjectLayout.findRepositoryRoot(MODULE_DIR);

    private TestStacks() {}

    /** The real package when it has been built, otherwise a tiny stand-in zip. */
    static Path functionsZip() {
        Path real = ProjectLayout.ofRepository(REPO_ROOT).functionsZip();
        return Files.isRegularFile(real) ? real : FIXTURES.resolve("functions-lambda.zip");
    }

    /** The real statemachines/ and events/rules/ at the repository root: what `cdk deploy` ships. */
    static ProjectLayout repositoryLayout() {
        return ProjectLayout.ofRepository(REPO_ROOT).withFunctionsZip(functionsZip());
    }

    /** A rule file's pattern as deployed: the file's own, the manual rule's pinned to the deployment's account. */
    static java.util.Map<String, Object> deployedPattern(EventRuleDefinition rule) {
        java.util.Map<String, Object> pattern = new java.util.LinkedHashMap<>(rule.pattern());
        if (ManualRequestBus.RULE.equals(rule.name())) {
            pattern.put("account", java.util.List.of(java.util.Map.of("Ref", "AWS::AccountId")));
        }
        return pattern;
    }

    static App app() {
        return new App();
    }

    static App app(Path outdir) {
        return new App(AppProps.builder().outdir(outdir.toString()).build());
    }

    static DrResponderStack stack(App app, DrConfig config, ProjectLayout layout) {
        return stack(app, config, layout, Catalog.RESPONDER);
    }

    static DrResponderStack stack(App app, DrConfig config, ProjectLayout layout, Catalog catalog) {
        return new DrResponderStack(app, "DrResponderTest", DrResponderStack.propsBuilder().build(), config, layout, catalog);
    }
}
