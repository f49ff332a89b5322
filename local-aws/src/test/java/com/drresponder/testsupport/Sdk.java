package com.drresponder.testsupport;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

import java.time.Duration;

/** SDK clients pointed at the emulator, and a bounded wait for executions. */
final class Sdk {
    private Sdk() {
    }

    static <B extends AwsClientBuilder<B, C>, C> C client(B builder, AwsEmulator emulator) {
        if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
            sync.httpClientBuilder(UrlConnectionHttpClient.builder());
        }
        return builder.endpointOverride(emulator.endpoint())
                .region(Region.of(emulator.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(emulator.accessKey(), emulator.secretKey())))
                .build();
    }

    static DescribeExecutionResponse awaitExecution(SfnClient sfn, String executionArn, Duration timeout) {
        return Executions.awaitEnd(sfn, executionArn, timeout);
    }
}
