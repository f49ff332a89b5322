package com.drresponder.credentials;

import java.util.List;

/** WAF IP sets as the blocker and sweeper use them: read with the lock token, replace the whole list with it. */
public interface WafIpSets {

    /** Which IP set: WAF names it by name, id and scope together. */
    record Ref(String name, String id, String scope) {}

    /** The addresses and the lock token UpdateIPSet needs. */
    record Snapshot(List<String> addresses, String lockToken) {}

    Snapshot read(Ref set);

    /** Replaces the list; false when someone changed the set since {@code lockToken} was read (read again and retry). */
    boolean replace(Ref set, List<String> addresses, String lockToken);
}
