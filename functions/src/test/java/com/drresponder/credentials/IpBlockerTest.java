package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.InMemoryLedger;
import com.drresponder.ledger.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpBlockerTest {
    static final WafIpSets.Ref V4 = new WafIpSets.Ref("blocklist", "id-4", "REGIONAL");
    static final WafIpSets.Ref V6 = new WafIpSets.Ref("blocklist6", "id-6", "REGIONAL");
    static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");

    /** IP sets in memory; {@code conflicts} makes the next replace calls fail as if someone changed the set. */
    static final class FakeIpSets implements WafIpSets {
        final Map<String, List<String>> sets = new HashMap<>(Map.of("id-4", new ArrayList<>(), "id-6", new ArrayList<>()));
        int conflicts;
        int replaces;

        @Override
        public Snapshot read(Ref set) {
            return new Snapshot(List.copyOf(sets.get(set.id())), "token");
        }

        @Override
        public boolean replace(Ref set, List<String> addresses, String lockToken) {
            replaces++;
            if (conflicts > 0) {
                conflicts--;
                return false;
            }
            sets.put(set.id(), new ArrayList<>(addresses));
            return true;
        }
    }

    final FakeIpSets waf = new FakeIpSets();
    final InMemoryLedger ledger = new InMemoryLedger();

    IpBlocker blocker(Instant now, List<String> safelist, int cap) {
        return new IpBlocker(waf, ledger, Clock.fixed(now, ZoneOffset.UTC), Duration.ofHours(24), safelist, cap);
    }

    @Test
    void setSizes_should_beReportedAfterEachChange_when_blockingAndSweeping() {
        // GIVEN a v4 set someone else already filled with two addresses, and a listener (the handler emits it as a metric)
        waf.sets.put("id-4", new ArrayList<>(List.of("198.51.100.1/32", "198.51.100.2/32")));
        Map<String, List<Integer>> sizes = new HashMap<>();
        IpBlocker blocker = blocker(NOW, List.of(), 50).onSetSize((set, size) -> sizes.computeIfAbsent(set.name(), k -> new ArrayList<>()).add(size));

        // WHEN an incident blocks one v4 and one v6 address, and the sweeper removes them after the expiry
        blocker.block("inc-1", List.of("203.0.113.7/32", "2001:db8:bad::1/128"), V4, V6);
        blocker(NOW.plus(Duration.ofHours(25)), List.of(), 50).onSetSize((set, size) -> sizes.computeIfAbsent(set.name(), k -> new ArrayList<>()).add(size))
                .sweep(List.of(V4, V6));

        // THEN each set's size after each change was reported: what the headroom alarm needs to see a set fill up
        assertThat(sizes).containsEntry("blocklist", List.of(3, 2)).containsEntry("blocklist6", List.of(1, 0));
    }

    @Test
    void block_should_addIpv4AndIpv6ToTheirSetsAndRecordTheExpiry_when_notSafelisted() {
        // GIVEN a safelist with the deployment's NAT range
        IpBlocker blocker = blocker(NOW, List.of("192.0.2.128/25", "2001:db8:5afe::/48"), 50);

        // WHEN an incident blocks an IPv4, an IPv6 and two safelisted addresses
        IpBlocker.Result r = blocker.block("inc-1", List.of("203.0.113.7/32", "2001:db8:bad::1/128", "192.0.2.200/32", "2001:db8:5afe::9/128"), V4, V6);

        // THEN each family lands in its own set, the safelisted ones nowhere, and the ledger holds what was added, until when
        assertThat(waf.sets.get("id-4")).containsExactly("203.0.113.7/32");
        assertThat(waf.sets.get("id-6")).containsExactly("2001:db8:bad::1/128");
        assertThat(r.notBlocked()).containsExactly("192.0.2.200/32 (safelisted)", "2001:db8:5afe::9/128 (safelisted)");
        assertThat(ledger.ipBlocks("id-4")).containsExactly(new Ledger.IpBlock("id-4", "203.0.113.7/32", "inc-1", NOW.plus(Duration.ofHours(24))));
        assertThat(ledger.ipBlocks("id-6")).extracting(Ledger.IpBlock::cidr).containsExactly("2001:db8:bad::1/128");
        assertThat(r.detail()).contains("Blocked 203.0.113.7/32, 2001:db8:bad::1/128 until 2026-11-23T03:00:00Z").contains("192.0.2.200/32 (safelisted)");
        assertThat(r.undo()).contains("remove 203.0.113.7/32 from IP set blocklist").contains("remove 2001:db8:bad::1/128 from IP set blocklist6");
    }

    @Test
    void block_should_stopAtTheCap_when_anIncidentNamesTooManyAddresses() {
        IpBlocker blocker = blocker(NOW, List.of(), 2);

        IpBlocker.Result r = blocker.block("inc-1", List.of("203.0.113.1/32", "203.0.113.2/32", "203.0.113.3/32"), V4, V6);

        assertThat(waf.sets.get("id-4")).containsExactly("203.0.113.1/32", "203.0.113.2/32");
        assertThat(r.notBlocked()).containsExactly("203.0.113.3/32 (over the cap of 2 per incident)");
    }

    @Test
    void block_should_neitherRecordNorSweep_when_theAddressWasInTheSetAlready() {
        // GIVEN an address someone else put in the set
        waf.sets.get("id-4").add("203.0.113.9/32");

        // WHEN an incident blocks it, and the sweeper runs long after any expiry
        IpBlocker.Result r = blocker(NOW, List.of(), 50).block("inc-1", List.of("203.0.113.9/32"), V4, V6);
        blocker(NOW.plus(Duration.ofDays(30)), List.of(), 50).sweep(List.of(V4, V6));

        // THEN the responder never claimed it, and it stays
        assertThat(r.added()).isEmpty();
        assertThat(r.detail()).contains("203.0.113.9/32 (not added by the responder: left as is, never swept)");
        assertThat(ledger.ipBlocks("id-4")).isEmpty();
        assertThat(waf.sets.get("id-4")).containsExactly("203.0.113.9/32");
    }

    @Test
    void block_should_readAgainAndRetry_when_theSetChangedMeanwhile() {
        waf.conflicts = 2;

        blocker(NOW, List.of(), 50).block("inc-1", List.of("203.0.113.7/32"), V4, V6);

        assertThat(waf.replaces).isEqualTo(3);
        assertThat(waf.sets.get("id-4")).containsExactly("203.0.113.7/32");
    }

    @Test
    void block_should_fail_when_theSetKeepsChanging() {
        waf.conflicts = IpBlocker.MAX_ATTEMPTS;

        assertThatThrownBy(() -> blocker(NOW, List.of(), 50).block("inc-1", List.of("203.0.113.7/32"), V4, V6))
                .hasMessageContaining("changed during each of " + IpBlocker.MAX_ATTEMPTS + " attempts");
    }

    @Test
    void sweep_should_removeOnlyExpiredBlocks_andSaySoOnTheirIncident() {
        // GIVEN two incidents' blocks, one expired, one not, and an address nobody recorded
        waf.sets.get("id-4").add("192.0.2.1/32");
        blocker(NOW, List.of(), 50).block("inc-old", List.of("203.0.113.1/32", "2001:db8:bad::1/128"), V4, V6);
        blocker(NOW.plus(Duration.ofHours(20)), List.of(), 50).block("inc-new", List.of("203.0.113.2/32"), V4, V6);

        // WHEN the sweeper runs 25 hours after the first block
        List<String> removed = blocker(NOW.plus(Duration.ofHours(25)), List.of(), 50).sweep(List.of(V4, V6));

        // THEN only the expired blocks are gone, from both families, and their incident's timeline says so
        assertThat(removed).containsExactlyInAnyOrder("203.0.113.1/32", "2001:db8:bad::1/128");
        assertThat(waf.sets.get("id-4")).containsExactly("192.0.2.1/32", "203.0.113.2/32");
        assertThat(waf.sets.get("id-6")).isEmpty();
        assertThat(ledger.ipBlocks("id-4")).extracting(Ledger.IpBlock::cidr).containsExactly("203.0.113.2/32");
        assertThat(ledger.timeline("inc-old")).extracting(TimelineEntry::action, TimelineEntry::outcome)
                .containsOnly(org.assertj.core.groups.Tuple.tuple("Block expired", "removed"));
        assertThat(ledger.timeline("inc-new")).isEmpty();
    }

    @Test
    void block_should_extendTheExpiry_when_aLaterIncidentBlocksTheSameAddress() {
        blocker(NOW, List.of(), 50).block("inc-1", List.of("203.0.113.7/32"), V4, V6);

        IpBlocker.Result r = blocker(NOW.plus(Duration.ofHours(10)), List.of(), 50).block("inc-2", List.of("203.0.113.7/32"), V4, V6);

        assertThat(r.detail()).contains("203.0.113.7/32 (blocked by the responder, expiry extended)");
        assertThat(ledger.ipBlocks("id-4")).singleElement().satisfies(b -> assertThat(b.until()).isEqualTo(NOW.plus(Duration.ofHours(34))));
    }

    @Test
    void cidr_should_refuseAnythingButAnAddressLiteral() {
        assertThatThrownBy(() -> Cidr.parse("example.com/32")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("203.0.113.7/33")).hasMessageContaining("prefix out of range");
        assertThat(Cidr.parse("2001:db8:5afe::/48").contains(Cidr.parse("2001:db8:5afe:1::1/128"))).isTrue();
        assertThat(Cidr.parse("192.0.2.128/25").contains(Cidr.parse("192.0.2.1/32"))).isFalse();
    }
}
