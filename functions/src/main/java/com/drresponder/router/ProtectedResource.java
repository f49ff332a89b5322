package com.drresponder.router;

/**
 * The resource a playbook acts on. {@code lockKey} is what "one playbook at a time" is about (a Lambda
 * alias, a DB cluster); {@code taggedArn} is where the opt-in tag lives (the function, the cluster).
 */
public record ProtectedResource(String kind, String lockKey, String taggedArn, String displayName) {
    public static ProtectedResource lambdaAlias(String region, String account, String function, String alias) {
        String fnArn = "arn:aws:lambda:" + region + ":" + account + ":function:" + function;
        return new ProtectedResource("lambda-alias", fnArn + ":" + alias, fnArn, function + ":" + alias);
    }
}
