package com.drresponder.common;

import java.time.Duration;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds SDK clients the same way everywhere: the light URLConnection HTTP client (cold start), the region from
 * {@code AWS_REGION}, the standard retry mode and attempt/call timeouts below the function timeout. The endpoint is never set here: the SDK reads {@code AWS_ENDPOINT_URL}
 * (or the {@code aws.endpointUrl} system property) itself, which is how local runs reach the emulator.
 */
public final class AwsClients {
    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.create();
    /** One attempt; a throttled or slow call is retried by the standard retry mode within {@link #CALL_TIMEOUT}. */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * All attempts of one call, below the shortest function timeout (30 s): the SDK gives up, the handler fails with
     * the SDK's error, and the state machine's Retry (read-only steps) or Catch decides, instead of Lambda killing
     * the sandbox mid-call ({@code Sandbox.Timedout}).
     */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    static final ClientOverrideConfiguration OVERRIDES = ClientOverrideConfiguration.builder()
            .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
            .apiCallTimeout(CALL_TIMEOUT)
            .retryStrategy(RetryMode.STANDARD)
            .build();

    private AwsClients() {}

    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C create(B builder) {
        return builder.httpClient(HTTP).region(region()).overrideConfiguration(OVERRIDES).build();
    }

    /** The same client for another Region (an Aurora Global Database's secondary: aws-sdk tasks reach only their own Region). */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C create(B builder, Region region) {
        return builder.httpClient(HTTP).region(region).overrideConfiguration(OVERRIDES).build();
    }

    public static Region region() {
        String region = Environment.variables().get("AWS_REGION");
        if (region == null || region.isBlank()) {
            region = System.getProperty("aws.region", "");
        }
        if (region.isBlank()) {
            throw new IllegalStateException("AWS_REGION is not set: Lambda sets it; for local runs export AWS_REGION");
        }
        return Region.of(region);
    }
}
