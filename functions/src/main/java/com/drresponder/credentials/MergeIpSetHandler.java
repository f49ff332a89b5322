package com.drresponder.credentials;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.drresponder.common.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;

/**
 * merge-ip-set: between the credential playbook's wafv2 GetIPSet and UpdateIPSet tasks (ASL cannot concatenate
 * lists). Input {@code {existing[], add[], ipSetName, ipSetId, scope}}; output {@link IpSetMerge.Result}.
 * Environment: {@code BLOCK_HOURS} (default 24), the expiry recorded on the timeline.
 */
public final class MergeIpSetHandler implements RequestStreamHandler {
    private final IpSetMerge merge;

    public MergeIpSetHandler() {
        this(new IpSetMerge(Clock.systemUTC(), Duration.ofHours(Long.parseLong(System.getenv().getOrDefault("BLOCK_HOURS", "24")))));
    }

    public MergeIpSetHandler(IpSetMerge merge) {
        this.merge = merge;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Telemetry.handleJson(input, output, context, in -> merge.merge(in));
    }
}
