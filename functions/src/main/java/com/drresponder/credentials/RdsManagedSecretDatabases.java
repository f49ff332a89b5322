package com.drresponder.credentials;

import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * {@link ManagedSecretDatabases} from AWS: the secret's {@code aws:rds:primaryDB...Arn} tag (DescribeSecret), then
 * DescribeDBClusters or DescribeDBInstances for the writer endpoint, port, engine and database name.
 */
public record RdsManagedSecretDatabases(SecretsManagerClient secrets, RdsClient rds) implements ManagedSecretDatabases {
    static final String CLUSTER_TAG = "aws:rds:primaryDBClusterArn";
    static final String INSTANCE_TAG = "aws:rds:primaryDBInstanceArn";
    private static final String DEFAULT_DBNAME = "postgres";

    @Override
    public Optional<Database> of(String secretId) {
        var tags = secrets.describeSecret(r -> r.secretId(secretId)).tags();
        Optional<String> cluster = tags.stream().filter(t -> CLUSTER_TAG.equals(t.key())).map(t -> t.value()).findFirst();
        Optional<String> instance = tags.stream().filter(t -> INSTANCE_TAG.equals(t.key())).map(t -> t.value()).findFirst();
        try {
            if (cluster.isPresent()) {
                return rds.describeDBClusters(r -> r.dbClusterIdentifier(cluster.get())).dbClusters().stream().findFirst()
                        .map(c -> new Database(c.dbClusterArn(), c.engine(), c.endpoint(), c.port(), dbname(c.databaseName())));
            }
            if (instance.isPresent()) {
                return rds.describeDBInstances(r -> r.dbInstanceIdentifier(instance.get())).dbInstances().stream().findFirst()
                        .map(i -> new Database(i.dbInstanceArn(), i.engine(), i.endpoint().address(), i.endpoint().port(), dbname(i.dbName())));
            }
        } catch (DbClusterNotFoundException | DbInstanceNotFoundException e) {
            return Optional.empty(); // the database is gone: nothing to log in to
        }
        return Optional.empty();
    }

    private static String dbname(String name) {
        return name == null || name.isBlank() ? DEFAULT_DBNAME : name;
    }
}
