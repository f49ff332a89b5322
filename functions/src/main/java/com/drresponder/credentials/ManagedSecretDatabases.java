package com.drresponder.credentials;

import java.util.Optional;

/**
 * Where an RDS-managed master secret logs in. RDS stores only {@code username} and {@code password} in such a secret and
 * tags it {@code aws:rds:primaryDBClusterArn} (or {@code aws:rds:primaryDBInstanceArn}); the endpoint comes from RDS.
 */
public interface ManagedSecretDatabases {
    /** Found nowhere: a managed secret is then not verified, and the verification fails saying so. */
    ManagedSecretDatabases NONE = secretId -> Optional.empty();

    /** The database the managed secret {@code secretId} belongs to, or empty when its tag or the database is gone. */
    Optional<Database> of(String secretId);

    /** @param engine RDS's engine name ({@code aurora-postgresql}, {@code postgres}, {@code mysql}...) */
    record Database(String arn, String engine, String host, int port, String dbname) {
        public boolean postgres() {
            return "postgres".equalsIgnoreCase(engine) || "aurora-postgresql".equalsIgnoreCase(engine);
        }
    }
}
