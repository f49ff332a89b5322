package com.drresponder.ledger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one way the ledger turns an instant into (part of) a sort key: ISO-8601 in UTC with exactly nine fraction digits.
 * {@link Instant#toString()} drops trailing zero fractions, so "…:05Z" sorted after "…:05.123Z" (a whole-second step
 * listed after a later one); a fixed width makes string order time order for the years 0000-9999.
 * Keys written before this (variable width) are read as they are: the readers order by the item's {@code at} attribute.
 */
public final class SortableInstant {
    private static final DateTimeFormatter FIXED = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private SortableInstant() {
    }

    public static String of(Instant instant) {
        return FIXED.format(instant);
    }
}
