package com.drresponder.credentials;

import java.util.Map;

/**
 * How new passwords are drawn (Secrets Manager GetRandomPassword). The default exclusions keep characters
 * that break connection strings and shell quoting out of passwords: {@code / @ " ' \}.
 */
public record RotationSettings(int passwordLength, String excludeCharacters) {
    public static final String DEFAULT_EXCLUDE = "/@\"'\\";
    public static final int DEFAULT_LENGTH = 32;

    public RotationSettings {
        if (passwordLength < 8 || passwordLength > 99) {
            // PostgreSQL accepts longer, but RDS master passwords stop at 99 (and below 8 is no password).
            throw new IllegalStateException("PASSWORD_LENGTH must be between 8 and 99, got " + passwordLength);
        }
    }

    public static RotationSettings from(Map<String, String> env) {
        String exclude = env.getOrDefault("EXCLUDE_CHARACTERS", DEFAULT_EXCLUDE);
        String length = env.getOrDefault("PASSWORD_LENGTH", String.valueOf(DEFAULT_LENGTH));
        try {
            return new RotationSettings(Integer.parseInt(length.trim()), exclude);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("PASSWORD_LENGTH must be a whole number, got \"" + length + "\"", e);
        }
    }
}
