package com.drresponder.notify;

import java.util.regex.Pattern;

/**
 * Last line of defence before text leaves the responder (notifications, timeline, errors): masks
 * anything shaped like a credential. Secret values are never put in messages on purpose; this catches
 * mistakes, such as an AWS error message that echoes a request parameter.
 */
public final class SecretRedactor {
    private static final String MASK = "****";
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)(\"?(?:password|passwd|secret|secretstring|secret_string|token|apikey|api_key|privatekey|private_key)\"?\\s*[:=]\\s*\"?)([^\"\\s,}&]+)");
    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://[^:/@\\s]+:)([^@/\\s]+)(@)");
    private static final Pattern AWS_SECRET_KEY = Pattern.compile("(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+=]{0,39}[A-Z])(?=[A-Za-z0-9/+=]{0,39}[a-z])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])");

    private SecretRedactor() {}

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = KEY_VALUE.matcher(text).replaceAll("$1" + MASK);
        out = URL_CREDENTIALS.matcher(out).replaceAll("$1" + MASK + "$3");
        return AWS_SECRET_KEY.matcher(out).replaceAll(MASK);
    }
}
