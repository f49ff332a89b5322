package com.drresponder.infra;

/** Turns kebab-case file names into construct ids. */
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
}
