package com.drresponder.cli;

import com.drresponder.incident.Severity;

final class Severities {
    private Severities() {}

    /** The router's rule: P1..P4, any case. */
    static void validate(String severity) {
        if (severity == null) {
            return;
        }
        try {
            Severity.valueOf(severity.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw CliException.badInput("invalid request: severity: must be one of P1, P2, P3, P4, got \"" + severity + "\"");
        }
    }
}
