package com.drresponder.failover;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A restore step the failover runs as it is (verification, approval gate, config cut-over, metrics), deployed
 * as the failover's own function: its own role, so each playbook's grants stay its own, and its own handler
 * class, by which the IAM check tells the two functions apart. No logic here.
 */
abstract class ReusedStep implements RequestStreamHandler {
    private final RequestStreamHandler step;

    ReusedStep(RequestStreamHandler step) {
        this.step = step;
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        step.handleRequest(input, output, context);
    }
}
