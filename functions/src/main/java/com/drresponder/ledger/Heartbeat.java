package com.drresponder.ledger;

/** What a poll step calls on each turn to renew its incident's {@link Lease}; unit tests of a step's decision pass {@code id -> { }}. */
@FunctionalInterface
public interface Heartbeat {
    /** @throws Lease.LeaseLostException the incident no longer holds its resource */
    void renew(String incidentId);
}
