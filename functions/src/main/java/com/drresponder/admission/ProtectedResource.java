package com.drresponder.admission;

import java.util.Locale;

/**
 * The resource a playbook acts on. {@code lockKey} is what "one playbook at a time" is about (a Lambda
 * alias, a DB cluster); {@code taggedArn} is where the opt-in tag lives (the function, the cluster).
 * Built only from a {@link Deployment} and validated names, so the same resource always has the same
 * lock key however a caller spells it.
 */
public record ProtectedResource(String kind, String lockKey, String taggedArn, String displayName) {
    /** A set of secrets (manual credential request): no single ARN; the playbook checks each member. */
    public static final String SECRET_SET = "secrets";

    public static ProtectedResource lambdaAlias(Deployment deployment, String function, String alias) {
        String fnArn = deployment.arn("lambda", "function:" + function);
        return new ProtectedResource("lambda-alias", fnArn + ":" + alias, fnArn, function + ":" + alias);
    }

    /** RDS identifiers are case-insensitive (RDS stores them lower-cased): Orders-DB and orders-db are one database. */
    public static ProtectedResource rdsDatabase(Deployment deployment, boolean cluster, String identifier) {
        String id = identifier.toLowerCase(Locale.ROOT);
        String arn = deployment.arn("rds", (cluster ? "cluster:" : "db:") + id);
        return new ProtectedResource(cluster ? "rds-cluster" : "rds-instance", arn, arn, id);
    }

    public static ProtectedResource iamPrincipal(Deployment deployment, boolean role, String name) {
        String arn = deployment.iamArn((role ? "role/" : "user/") + name);
        return new ProtectedResource(role ? "iam-role" : "iam-user", arn, arn, name);
    }

    public static ProtectedResource secretSet(String scope) {
        return new ProtectedResource(SECRET_SET, "secrets:" + scope, null, scope);
    }
}
