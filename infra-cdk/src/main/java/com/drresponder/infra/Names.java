package com.drresponder.infra;

import java.util.Locale;

/** Turns kebab-case file names into construct ids and environment variable names. */
final class Names {
    private Names() {}

    /** {@code lambda-alarms} -> {@code LambdaAlarms}. */
    static String pascal(String kebab) {
        StringBuilder out = new StringBuilder();
        for (String part : kebab.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    /** {@code restore-drill} -> {@code RESTORE_DRILL}. */
    static String upperSnake(String kebab) {
        return kebab.replaceAll("[^A-Za-z0-9]+", "_").toUpperCase(Locale.ROOT);
    }
}
