package com.drresponder.infra;

import com.drresponder.infra.config.DrConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.StackProps;

/** Builds stacks for tests from the fixtures under src/test/resources/fixtures (or the real repository). */
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

    /** Fixture playbooks (all four) and fixture rules (all five). */
    static ProjectLayout fixtureLayout() {
        return new ProjectLayout(MODULE_DIR, FIXTURES.resolve("statemachines"), FIXTURES.resolve("events/rules"), functionsZip());
    }

    /** Whatever the repository holds right now: statemachines/ and events/rules/ at the root. */
    static ProjectLayout repositoryLayout() {
        return ProjectLayout.ofRepository(REPO_ROOT).withFunctionsZip(functionsZip());
    }

    /** No playbooks and no rules yet. */
    static ProjectLayout emptyLayout(Path emptyDir) {
        return new ProjectLayout(MODULE_DIR, emptyDir.resolve("statemachines"), emptyDir.resolve("rules"), functionsZip());
    }

    static App app() {
        return new App();
    }

    static App app(Path outdir) {
        return new App(AppProps.builder().outdir(outdir.toString()).build());
    }

    static DrResponderStack stack(App app, DrConfig config, ProjectLayout layout) {
        return new DrResponderStack(app, "DrResponderTest", StackProps.builder().build(), config, layout);
    }
}
