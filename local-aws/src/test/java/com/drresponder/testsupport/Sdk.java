package com.drresponder.testsupport;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.time.Instant;

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
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            DescribeExecutionResponse execution = sfn.describeExecution(r -> r.executionArn(executionArn));
            if (execution.status() != ExecutionStatus.RUNNING) {
                return execution;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Execution " + executionArn + " still RUNNING after " + timeout);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + executionArn, e);
            }
        }
    }
}
