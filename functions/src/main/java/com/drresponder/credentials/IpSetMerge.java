package com.drresponder.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Adds the hostile addresses to a WAF IP set's address list (UpdateIPSet replaces the whole list), and says how
 * to undo it and when the block is meant to expire.
 */
public final class IpSetMerge {
    private final Clock clock;
    private final Duration blockFor;

    public IpSetMerge(Clock clock, Duration blockFor) {
        this.clock = clock;
        this.blockFor = blockFor;
    }

    public record Result(List<String> addresses, List<String> added, List<String> alreadyBlocked, String expiresAt, String detail, String undo) {}

    public Result merge(JsonNode in) {
        List<String> existing = texts(in.path("existing"));
        Set<String> merged = new LinkedHashSet<>(existing);
        List<String> added = new ArrayList<>();
        List<String> already = new ArrayList<>();
        for (String cidr : texts(in.path("add"))) {
            (merged.add(cidr) ? added : already).add(cidr);
        }
        String expiresAt = clock.instant().plus(blockFor).toString();
        String name = in.path("ipSetName").asText();
        String detail = "IP set " + name + ": added " + (added.isEmpty() ? "nothing" : String.join(", ", added))
                + (already.isEmpty() ? "" : "; already blocked " + String.join(", ", already)) + "; block expires at " + expiresAt;
        String undo = "aws wafv2 get-ip-set --name " + name + " --id " + in.path("ipSetId").asText() + " --scope " + in.path("scope").asText()
                + " (for the lock token), then aws wafv2 update-ip-set --name " + name + " --id " + in.path("ipSetId").asText()
                + " --scope " + in.path("scope").asText() + " --lock-token <token> --addresses "
                + (existing.isEmpty() ? "(none)" : String.join(" ", existing));
        return new Result(List.copyOf(merged), added, already, expiresAt, detail, undo);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
