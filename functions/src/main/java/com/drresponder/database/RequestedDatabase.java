package com.drresponder.database;

import com.drresponder.playbook.InvalidRequestException;
import java.util.Map;

/**
 * The database a restore or failover request names by {@code clusterId} or {@code instanceId}: it must exist and have
 * opted in, or the request is refused naming that field.
 */
public final class RequestedDatabase {
    private RequestedDatabase() {
    }

    public static String field(boolean cluster) {
        return cluster ? "clusterId" : "instanceId";
    }

    public static InvalidRequestException notFound(boolean cluster, String id) {
        return new InvalidRequestException(field(cluster), "no " + (cluster ? "Aurora cluster" : "RDS instance") + " named " + id
                + " in this account and region");
    }

    /**
     * Refuses a database not tagged {@code <protectionTagKey>=true}, compared exactly as the playbook roles' IAM
     * conditions compare it. {@code acts}: what the responder would do to it ("restores").
     */
    public static void requireOptedIn(boolean cluster, String id, Map<String, String> tags, String protectionTagKey, String acts) {
        if (!"true".equals(tags.get(protectionTagKey))) {
            throw new InvalidRequestException(field(cluster), id + " is not tagged " + protectionTagKey
                    + "=true; the responder only " + acts + " databases that opted in");
        }
    }
}
