package com.drresponder.testing;

import com.drresponder.testsupport.AwsEmulator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import java.time.Duration;

/** Real SDK clients pointed at the local emulator, for test set-up and assertions. */
public final class EmulatorClients {
    private EmulatorClients() {}

    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C of(AwsEmulator emulator, B builder) {
        return builder.endpointOverride(emulator.endpoint())
                .region(Region.of(emulator.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(emulator.accessKey(), emulator.secretKey())))
                .httpClient(UrlConnectionHttpClient.create())
                // Marks the tests' own calls so API-call counts can leave them out.
                .overrideConfiguration(c -> c.putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, "drr-test"))
                .build();
    }

    /** Like {@link #of}, with a long socket timeout: a RotateSecret call runs four Lambda steps before it answers. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, AwsEmulator emulator) {
        return longWaiting(builder, emulator, false);
    }

    /**
     * Like {@link #client}, without SDK retries: each call is one request, so a caller that counts answers (a storm's
     * deliveries) gets exactly one per call; a retry after a slow answer would be a second delivery.
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C oneAttempt(B builder, AwsEmulator emulator) {
        return longWaiting(builder, emulator, true);
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C longWaiting(B builder, AwsEmulator emulator,
            boolean oneAttempt) {
        return builder.endpointOverride(emulator.endpoint())
                .region(Region.of(emulator.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(emulator.accessKey(), emulator.secretKey())))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5)).build())
                .overrideConfiguration(c -> {
                    c.putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, "drr-test");
                    if (oneAttempt) {
                        c.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry());
                    }
                })
                .build();
    }
}
