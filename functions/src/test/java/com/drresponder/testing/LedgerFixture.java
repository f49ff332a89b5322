package com.drresponder.testing;

import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.testsupport.AwsEmulator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The ledger table (docs/CONTRACTS.md: pk/sk, GSI byStatus on gsi1pk/gsi1sk) and the notification topic,
 * created in the emulator; plus SDK clients pointed at it.
 */
public final class LedgerFixture {
    public static final String TABLE = "dr-ledger";
    private final AwsEmulator emulator;
    private final String topicArn;
    private final DynamoDbClient dynamo;

    private LedgerFixture(AwsEmulator emulator) {
        this.emulator = emulator;
        this.dynamo = client(emulator, DynamoDbClient.builder());
        dynamo.createTable(t -> t.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("gsi1pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("gsi1sk").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                .globalSecondaryIndexes(g -> g.indexName("byStatus")
                        .keySchema(k -> k.attributeName("gsi1pk").keyType(KeyType.HASH), k -> k.attributeName("gsi1sk").keyType(KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.ALL))));
        this.topicArn = client(emulator, SnsClient.builder()).createTopic(r -> r.name("dr-notifications")).topicArn();
    }

    public static LedgerFixture create(AwsEmulator emulator) {
        return new LedgerFixture(emulator);
    }

    public String topicArn() {
        return topicArn;
    }

    public DynamoDbLedger ledger() {
        return new DynamoDbLedger(dynamo, TABLE);
    }

    /** The environment every function that writes the ledger or notifies needs. */
    public java.util.Map<String, String> environment() {
        return java.util.Map.of("LEDGER_TABLE", TABLE, "TOPIC_ARN", topicArn, "DR_MODE", "enforce");
    }

    /** An SDK client of any service, pointed at the emulator. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(AwsEmulator emulator, B builder) {
        return builder.httpClient(UrlConnectionHttpClient.create()).endpointOverride(emulator.endpoint())
                .region(Region.of(emulator.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(emulator.accessKey(), emulator.secretKey())))
                .build();
    }

    public AwsEmulator emulator() {
        return emulator;
    }
}
