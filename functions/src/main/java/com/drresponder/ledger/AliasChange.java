package com.drresponder.ledger;

import java.time.Instant;

/** The alias pointed at {@code version} from {@code at} on; {@code source} says who changed it (cloudtrail, rollback). */
public record AliasChange(String aliasArn, String version, Instant at, String source) {}
