package com.drresponder.common;

import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds SDK clients the same way everywhere: the light URLConnection HTTP client (cold start) and the
 * region from {@code AWS_REGION}. The endpoint is never set here: the SDK reads {@code AWS_ENDPOINT_URL}
 * (or the {@code aws.endpointUrl} system property) itself, which is how local runs reach the emulator.
 */
public final class AwsClients {
    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.create();

    private AwsClients() {}

    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C create(B builder) {
        return builder.httpClient(HTTP).region(region()).build();
    }

    static Region region() {
        String region = System.getenv("AWS_REGION");
        if (region == null || region.isBlank()) {
            region = System.getProperty("aws.region", "");
        }
        if (region.isBlank()) {
            throw new IllegalStateException("AWS_REGION is not set: Lambda sets it; for local runs export AWS_REGION");
        }
        return Region.of(region);
    }
}
