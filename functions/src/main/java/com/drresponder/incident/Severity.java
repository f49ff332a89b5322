package com.drresponder.incident;

/** Incident severity as the runbooks use it: P1 (critical, customer-facing outage) to P4 (low). */
public enum Severity {
    P1, P2, P3, P4;

    /** GuardDuty scores 0.1-8.9: high (7+) is P1, medium (4+) P2, low P3. */
    public static Severity fromGuardDuty(double score) {
        return score >= 7.0 ? P1 : score >= 4.0 ? P2 : P3;
    }
}
