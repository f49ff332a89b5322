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

    /**
     * These databases, each reached at {@code address} ({@code host:port}) instead of its endpoint; unchanged when null.
     * Only the local deployment gives one (LOCAL_DATABASE_ADDRESS): the emulator's RDS endpoints are no databases.
     */
    default ManagedSecretDatabases reachedAt(String address) {
        if (address == null || address.isBlank()) {
            return this;
        }
        int colon = address.trim().lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalStateException("a local database address must be host:port, got \"" + address + "\"");
        }
        String host = address.trim().substring(0, colon);
        int port = Integer.parseInt(address.trim().substring(colon + 1));
        return secretId -> of(secretId).map(db -> new Database(db.arn(), db.engine(), host, port, db.dbname()));
    }

    /** @param engine RDS's engine name ({@code aurora-postgresql}, {@code postgres}, {@code mysql}...) */
    record Database(String arn, String engine, String host, int port, String dbname) {
        public boolean postgres() {
            return "postgres".equalsIgnoreCase(engine) || "aurora-postgresql".equalsIgnoreCase(engine);
        }
    }
}
