package com.drresponder.credentials;

import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Blocks hostile addresses in the WAF IP sets (IPv4 and IPv6, one set each) and takes them out again when the block
 * expires. Each address the responder adds is recorded in the ledger with its expiry before the set changes; the sweeper
 * removes expired recorded addresses only, so an address someone else put in the set is never touched. Addresses in the
 * safelist are never blocked; an incident blocks at most {@code maxPerIncident}. The whole read-merge-write runs here,
 * so a large set never passes through the state machine's state.
 */
public final class IpBlocker {
    static final int MAX_ATTEMPTS = 5;
    private static final String ACTOR = "respond-to-credential-compromise";

    private final WafIpSets waf;
    private final Ledger ledger;
    private final Clock clock;
    private final Duration blockFor;
    private final List<Cidr> safelist;
    private final int maxPerIncident;
    private java.util.function.ObjIntConsumer<WafIpSets.Ref> setSizes = (set, size) -> { };

    public IpBlocker(WafIpSets waf, Ledger ledger, Clock clock, Duration blockFor, List<String> safelist, int maxPerIncident) {
        this.waf = waf;
        this.ledger = ledger;
        this.clock = clock;
        this.blockFor = blockFor;
        this.safelist = safelist.stream().map(Cidr::parse).toList();
        this.maxPerIncident = maxPerIncident;
    }

    /**
     * Tells {@code listener} how many addresses a set holds after each change this blocker made or saw (WAF allows 10,000 per
     * set; the stack alarms on the headroom); returns this.
     */
    public IpBlocker onSetSize(java.util.function.ObjIntConsumer<WafIpSets.Ref> listener) {
        this.setSizes = listener;
        return this;
    }

    /** What the block step did: {@code detail} and {@code undo} go on the timeline. */
    public record Result(List<String> added, List<String> notBlocked, String expiresAt, String detail, String undo) {}

    public Result block(String incidentId, List<String> cidrs, WafIpSets.Ref ipv4, WafIpSets.Ref ipv6) {
        List<String> notBlocked = new ArrayList<>();
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        for (String text : new LinkedHashSet<>(cidrs)) {
            Cidr cidr = Cidr.parse(text);
            if (safelist.stream().anyMatch(safe -> safe.contains(cidr))) {
                notBlocked.add(text + " (safelisted)");
            } else if (v4.size() + v6.size() >= maxPerIncident) {
                notBlocked.add(text + " (over the cap of " + maxPerIncident + " per incident)");
            } else {
                (cidr.isIpv6() ? v6 : v4).add(text);
            }
        }
        Instant until = clock.instant().plus(blockFor).truncatedTo(ChronoUnit.SECONDS);
        List<String> added = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<String> undo = new ArrayList<>();
        for (var set : List.of(java.util.Map.entry(ipv4, v4), java.util.Map.entry(ipv6, v6))) {
            if (!set.getValue().isEmpty()) {
                List<String> newOnes = add(set.getKey(), set.getValue(), incidentId, until, kept);
                added.addAll(newOnes);
                if (!newOnes.isEmpty()) {
                    undo.add("remove " + String.join(", ", newOnes) + " from IP set " + set.getKey().name() + " (aws wafv2 get-ip-set --name "
                            + set.getKey().name() + " --id " + set.getKey().id() + " --scope " + set.getKey().scope()
                            + " for the list and lock token, then aws wafv2 update-ip-set ... --lock-token <token> --addresses <the list without them>)");
                }
            }
        }
        String detail = "Blocked " + (added.isEmpty() ? "nothing new" : String.join(", ", added)) + " until " + until
                + " (the sweeper removes them then)"
                + (kept.isEmpty() ? "" : "; already in the set: " + String.join(", ", kept))
                + (notBlocked.isEmpty() ? "" : "; not blocked: " + String.join(", ", notBlocked));
        return new Result(added, notBlocked, until.toString(), detail, undo.isEmpty() ? "nothing to undo" : String.join("; ", undo));
    }

    /** Adds to one set, retrying when the set changed under us; returns what this call added. */
    private List<String> add(WafIpSets.Ref set, List<String> cidrs, String incidentId, Instant until, List<String> kept) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            WafIpSets.Snapshot snapshot = waf.read(set);
            Set<String> present = new LinkedHashSet<>(snapshot.addresses());
            List<String> newOnes = cidrs.stream().filter(c -> !present.contains(c)).toList();
            // write-ahead: the record (and its expiry) exists before the address is in the set
            newOnes.forEach(c -> ledger.recordIpBlock(new Ledger.IpBlock(set.id(), c, incidentId, until)));
            List<String> merged = new ArrayList<>(present);
            merged.addAll(newOnes);
            if (newOnes.isEmpty() || waf.replace(set, merged, snapshot.lockToken())) {
                setSizes.accept(set, merged.size());
                Set<String> ours = ledger.ipBlocks(set.id()).stream().map(Ledger.IpBlock::cidr).collect(Collectors.toSet());
                for (String c : cidrs) {
                    if (present.contains(c)) {
                        if (ours.contains(c)) {
                            ledger.recordIpBlock(new Ledger.IpBlock(set.id(), c, incidentId, until)); // extends, never shortens
                            kept.add(c + " (blocked by the responder, expiry extended)");
                        } else {
                            kept.add(c + " (not added by the responder: left as is, never swept)");
                        }
                    }
                }
                return newOnes;
            }
        }
        throw new IllegalStateException("IP set " + set.name() + " changed during each of " + MAX_ATTEMPTS + " attempts to add " + cidrs);
    }

    /** Removes every recorded block that has expired from its set, records it on its incident's timeline, and forgets it. */
    public List<String> sweep(List<WafIpSets.Ref> sets) {
        Instant now = clock.instant();
        List<String> removed = new ArrayList<>();
        for (WafIpSets.Ref set : sets) {
            List<Ledger.IpBlock> expired = ledger.ipBlocks(set.id()).stream().filter(b -> b.until().isBefore(now)).toList();
            if (expired.isEmpty()) {
                continue;
            }
            Set<String> expiredCidrs = expired.stream().map(Ledger.IpBlock::cidr).collect(Collectors.toSet());
            Set<String> wasPresent = remove(set, expiredCidrs);
            for (Ledger.IpBlock block : expired) {
                if (ledger.removeIpBlock(set.id(), block.cidr(), now)) {
                    boolean inSet = wasPresent.contains(block.cidr());
                    ledger.append(block.incidentId(), TimelineEntry.of(now, ACTOR, "Block expired", inSet ? "removed" : "already gone",
                            block.cidr() + (inSet ? " removed from" : " was no longer in") + " IP set " + set.name()
                                    + " (blocked until " + block.until() + ")"));
                    if (inSet) {
                        removed.add(block.cidr());
                    }
                }
            }
        }
        return removed;
    }

    private Set<String> remove(WafIpSets.Ref set, Set<String> cidrs) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            WafIpSets.Snapshot snapshot = waf.read(set);
            Set<String> present = snapshot.addresses().stream().filter(cidrs::contains).collect(Collectors.toSet());
            List<String> remaining = snapshot.addresses().stream().filter(a -> !cidrs.contains(a)).toList();
            if (present.isEmpty() || waf.replace(set, remaining, snapshot.lockToken())) {
                setSizes.accept(set, present.isEmpty() ? snapshot.addresses().size() : remaining.size());
                return present;
            }
        }
        throw new IllegalStateException("IP set " + set.name() + " changed during each of " + MAX_ATTEMPTS + " attempts to remove expired blocks");
    }
}
