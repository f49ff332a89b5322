package com.drresponder.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.drresponder.infra.config.DrConfig;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** AWS Solutions checks (cdk-nag) and cfn-lint on the synthesized template. */
class ComplianceTest {

    @TempDir
    static Path outdir;

    static App app;
    static DrResponderStack stack;
    static Path template;

    @BeforeAll
    static void synth() {
        app = TestStacks.app(outdir);
        DrConfig config = com.drresponder.infra.config.DrConfigLoader.fromMap(java.util.Map.of("notificationEmails", List.of("oncall@example.com")));
        stack = TestStacks.stack(app, config, TestStacks.repositoryLayout());
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        app.synth();
        template = outdir.resolve(stack.getTemplateFile());
    }

    @Test
    void awsSolutionsChecks_should_reportNoErrors_when_stackSynthesized() {
        List<SynthesisMessage> errors = Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));

        if (!errors.isEmpty()) {
            StringBuilder sb = new StringBuilder("cdk-nag AwsSolutions errors (fix, or suppress on the one resource with a reason):\n");
            errors.forEach(e -> sb.append(" - ").append(e.getId()).append(": ").append(e.getEntry().getData()).append('\n'));
            fail(sb.toString());
        }
    }

    @Test
    void awsSolutionsChecks_should_reportNoWarnings_when_stackSynthesized() {
        List<SynthesisMessage> warnings = Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));

        assertThat(warnings).extracting(w -> w.getId() + ": " + w.getEntry().getData()).isEmpty();
    }

    @Test
    void stack_should_haveNoUnacknowledgedCdkWarnings_when_synthesized() {
        List<SynthesisMessage> warnings = Annotations.fromStack(stack).findWarning("*", Match.anyValue());

        assertThat(warnings).extracting(w -> w.getId() + ": " + w.getEntry().getData()).isEmpty();
    }

    @Test
    void cfnLint_should_reportNoErrors_when_templateSynthesized() throws Exception {
        assertThat(template).exists();
        Process process;
        try {
            process = new ProcessBuilder("cfn-lint", "--format", "parseable", template.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("cfn-lint is not installed (it checks the synthesized template): install it with `pip install cfn-lint` "
                    + "(CI installs it) and make sure `cfn-lint` is on PATH. Cause: " + e.getMessage());
            return;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("cfn-lint finished").isTrue();
        int exit = process.exitValue();

        // cfn-lint exit code is a bit mask: 2 = errors, 4 = warnings, 8 = informational; 1 = cfn-lint itself failed.
        assertThat(exit & 3).as("cfn-lint errors in %s:%n%s", template, output).isZero();
        if (!output.isBlank()) {
            System.out.println("cfn-lint warnings (allowed):\n" + output);
        }
        Files.copy(template, Path.of("target", "DrResponderTest.template.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
