package com.drresponder.database;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;

/**
 * How the responder's JDBC connections (verification, rotation) protect themselves on the wire: by default
 * {@code sslmode=verify-full} against the Amazon RDS root certificates shipped in the package
 * ({@value #BUNDLED_CA}: RDS and RDS Proxy roots), so a connection fails rather than send a password to a
 * server that cannot prove it is the database named. Environment:
 * <ul>
 *   <li>{@code DATABASE_TLS}: {@code verify-full} (default) or {@code disable}. Only the local deployment
 *       sets {@code disable} (its embedded PostgreSQL has no certificate); the stack never does.</li>
 *   <li>{@code DATABASE_CA_BUNDLE}: a PEM file to trust instead of the bundled one (a newer RDS bundle, a
 *       private CA for a proxy).</li>
 * </ul>
 * A secret's {@code ssl} field (as in the AWS rotation templates) can ask for TLS where the deployment has
 * it off, never the reverse: {@code "ssl": false} does not turn off verification in a deployment that requires it.
 */
public final class DatabaseTls {
    public static final String MODE_VARIABLE = "DATABASE_TLS";
    public static final String CA_BUNDLE_VARIABLE = "DATABASE_CA_BUNDLE";
    public static final String VERIFY_FULL = "verify-full";
    public static final String DISABLE = "disable";
    static final String BUNDLED_CA = "rds-ca-bundle.pem";

    private final boolean required;
    private final String caBundle;

    private DatabaseTls(boolean required, String caBundle) {
        this.required = required;
        this.caBundle = caBundle;
    }

    public static DatabaseTls fromEnvironment() {
        return from(com.drresponder.common.Environment.variables());
    }

    /** Reads and validates the two variables; an unknown mode fails at init, naming the variable. */
    public static DatabaseTls from(Map<String, String> env) {
        String mode = env.getOrDefault(MODE_VARIABLE, VERIFY_FULL);
        if (mode.isBlank()) {
            mode = VERIFY_FULL;
        }
        if (!mode.equals(VERIFY_FULL) && !mode.equals(DISABLE)) {
            throw new IllegalStateException(MODE_VARIABLE + " must be " + VERIFY_FULL + " or " + DISABLE + ", got \"" + mode + "\"");
        }
        String bundle = env.get(CA_BUNDLE_VARIABLE);
        return new DatabaseTls(mode.equals(VERIFY_FULL), bundle == null || bundle.isBlank() ? null : bundle);
    }

    /** TLS verified against the given CA file (tests; {@code null} = the bundled RDS roots). */
    public static DatabaseTls verifyFull(String caBundle) {
        return new DatabaseTls(true, caBundle);
    }

    public static DatabaseTls disabled() {
        return new DatabaseTls(false, null);
    }

    /**
     * Sets pgjdbc's {@code sslmode} (and {@code sslrootcert}) on connection properties.
     *
     * @param secretSsl the secret's {@code ssl} field, or null when it has none
     */
    public void apply(Properties props, Boolean secretSsl) {
        if (required || Boolean.TRUE.equals(secretSsl)) {
            props.setProperty("sslmode", VERIFY_FULL);
            props.setProperty("sslrootcert", caBundle != null ? caBundle : BundledCa.PATH.get());
        } else {
            props.setProperty("sslmode", DISABLE);
        }
    }

    public boolean required() {
        return required;
    }

    /** pgjdbc reads {@code sslrootcert} from a file: the bundled PEM is copied out of the package once. */
    private enum BundledCa {
        PATH;

        private String path;

        synchronized String get() {
            if (path == null) {
                try (InputStream in = DatabaseTls.class.getClassLoader().getResourceAsStream(BUNDLED_CA)) {
                    if (in == null) {
                        throw new IllegalStateException(BUNDLED_CA + " is missing from the package; set " + CA_BUNDLE_VARIABLE);
                    }
                    Path file = Files.createTempFile("rds-ca-", ".pem");
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                    path = file.toString();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot copy the RDS CA bundle to a file", e);
                }
            }
            return path;
        }
    }
}
