package com.drresponder.infra;

import com.drresponder.infra.config.DrConfig;
import com.drresponder.infra.config.DrConfigLoader;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;

/**
 * Entry point of the CDK app: {@code npx aws-cdk synth} / {@code deploy} from infra-cdk/ (see cdk.json).
 *
 * <p>Reads {@code statemachines/} and {@code events/rules/} from the repository root and the Lambda package
 * {@code functions/target/functions-lambda.zip}; configuration comes from {@link DrConfigLoader}. AWS Solutions
 * checks (cdk-nag) run on every synth; findings that are not acknowledged fail it.
 */
public final class DrResponderApp {
    public static final String STACK_NAME = "DrResponder";

    private DrResponderApp() {}

    public static void main(String[] args) {
        Path root = ProjectLayout.findRepositoryRoot(Path.of(""));
        ProjectLayout layout = ProjectLayout.ofRepository(root);
        App app = new App(AppProps.builder().outdir(outdir(layout)).build());
        DrConfig config = DrConfigLoader.load(app.getNode(), layout.infraCdkDir());
        new DrResponderStack(app, STACK_NAME, DrResponderStack.propsBuilder()
                .description("DR Responder: event-driven disaster-recovery responder (alarms, RDS events, GuardDuty -> playbooks)")
                .env(Environment.builder()
                        .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                        .region(System.getenv("CDK_DEFAULT_REGION"))
                        .build())
                .build(), config, layout);
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        app.synth();
    }

    /**
     * The CDK CLI passes a relative {@code CDK_OUTDIR} relative to where it runs (infra-cdk/), but Maven runs this
     * from the repository root; resolve it against infra-cdk/ so the CLI finds the cloud assembly.
     */
    private static String outdir(ProjectLayout layout) {
        String env = System.getenv("CDK_OUTDIR");
        Path out = env == null || env.isBlank() ? Path.of("cdk.out") : Path.of(env);
        return (out.isAbsolute() ? out : layout.infraCdkDir().resolve(out)).toString();
    }
}
