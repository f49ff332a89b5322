package com.drresponder.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;

/** Entry point of the CDK app: {@code cdk synth} / {@code cdk deploy} from infra-cdk/. */
public final class DrResponderApp {
    private DrResponderApp() {}

    public static void main(String[] args) {
        App app = new App();
        new Stack(app, "DrResponder");
        app.synth();
    }
}
