package com.drresponder.restore;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One kind of consumer configuration a config cut-over moves. Two steps, so that a retry is idempotent: {@link #plan}
 * (before any change; its answer goes on the timeline as the write-ahead record) names the version that holds the
 * value consumers use now; {@link #apply} derives the new value from THAT version, never from a second read of the
 * current one, and recognises its own earlier change. Neither returns or throws a value (a URL may hold a password).
 */
interface ConsumerCutover {
    /** Checks the consumer can be moved safely and returns the version id holding the value in use now. */
    String plan();

    /** Points the consumer at {@code endpoint} (and {@code port} where it has one), starting from {@code previousVersion}. */
    ObjectNode apply(String previousVersion, String endpoint, String port);
}
