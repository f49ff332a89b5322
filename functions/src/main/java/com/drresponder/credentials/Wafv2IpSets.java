package com.drresponder.credentials;

import java.util.List;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.GetIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.WafOptimisticLockException;

/** {@link WafIpSets} over WAFv2 GetIPSet / UpdateIPSet. */
public record Wafv2IpSets(Wafv2Client waf) implements WafIpSets {
    @Override
    public Snapshot read(Ref set) {
        GetIpSetResponse r = waf.getIPSet(b -> b.name(set.name()).id(set.id()).scope(set.scope()));
        return new Snapshot(List.copyOf(r.ipSet().addresses()), r.lockToken());
    }

    @Override
    public boolean replace(Ref set, List<String> addresses, String lockToken) {
        try {
            waf.updateIPSet(b -> b.name(set.name()).id(set.id()).scope(set.scope()).addresses(addresses).lockToken(lockToken));
            return true;
        } catch (WafOptimisticLockException e) {
            return false; // WAF's answer when the set changed since the read: the caller reads again
        }
    }
}
