package com.drresponder.common;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The functions' one reader of environment variables, and the parsing every function's settings share: a bad
 * value fails at init with a message naming the variable, never mid-incident. Each function reads its settings
 * once, in its no-arg constructor, through a settings record ({@link Settings}, {@code RollbackSettings},
 * {@code CredentialSettings}, {@code RestoreSettings}, {@code RotationSettings}, {@code DatabaseTls}).
 */
public final class Environment {
    private Environment() {}

    /** The process environment (the Lambda configuration the stack or the local deployment set). */
    public static Map<String, String> variables() {
        return System.getenv();
    }

    /** The trimmed value, or {@code fallback} when unset or blank. */
    public static String text(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    public static String required(Map<String, String> env, String name) {
        String value = text(env, name, null);
        if (value == null) {
            throw new IllegalStateException("environment variable " + name + " is required");
        }
        return value;
    }

    /** A whole number of at least {@code min}, or {@code fallback} when unset. */
    public static long wholeNumber(Map<String, String> env, String name, long fallback, long min) {
        String value = text(env, name, null);
        if (value == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the variable's name
        }
        throw new IllegalStateException(name + " must be a whole number >= " + min + ", got \"" + value + "\"");
    }

    /** A whole number of {@code unit}s (at least {@code min}), or {@code fallback} units when unset. */
    public static Duration duration(Map<String, String> env, String name, ChronoUnit unit, long fallback, long min) {
        return Duration.of(wholeNumber(env, name, fallback, min), unit);
    }
}
