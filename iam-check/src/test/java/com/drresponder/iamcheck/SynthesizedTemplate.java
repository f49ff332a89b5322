package com.drresponder.iamcheck;

import com.drresponder.infra.DrResponderApp;
import com.drresponder.infra.DrResponderStack;
import com.drresponder.infra.ProjectLayout;
import com.drresponder.infra.config.DrConfigLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

/**
 * The template {@code cdk synth} produces: the real app's stack, with the context of {@code infra-cdk/cdk.json}
 * (e.g. minimized policies), the documented example configuration, the real {@code statemachines/} and
 * {@code events/rules/}, and the built Lambda package.
 */
final class SynthesizedTemplate {
    private SynthesizedTemplate() {}

    static Path synthesize(Path outdir) {
        ProjectLayout layout = ProjectLayout.ofRepository(IamCheck.REPO_ROOT);
        App app = new App(AppProps.builder().outdir(outdir.toString()).context(cdkJsonContext(layout)).build());
        new DrResponderStack(app, DrResponderApp.STACK_NAME, DrResponderStack.propsBuilder().build(),
                DrConfigLoader.load("dr-config.example.json", null, layout.infraCdkDir()), layout);
        app.synth();
        return outdir.resolve(DrResponderApp.STACK_NAME + ".template.json");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cdkJsonContext(ProjectLayout layout) {
        try {
            Map<String, Object> cdkJson = new ObjectMapper().readValue(layout.infraCdkDir().resolve("cdk.json").toFile(), Map.class);
            return (Map<String, Object>) cdkJson.getOrDefault("context", Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read infra-cdk/cdk.json", e);
        }
    }
}
