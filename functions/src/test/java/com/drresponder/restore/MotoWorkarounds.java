package com.drresponder.restore;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * moto 5.2.1 gap: its Step Functions engine passes aws-sdk task Parameters to boto3 unchanged (its
 * {@code _normalise_parameters} is a no-op), so the Java-SDK casing AWS Step Functions uses
 * ({@code DbClusterIdentifier}) reaches botocore, which needs {@code DBClusterIdentifier}. The ASL stays as
 * AWS wants it; only the copy loaded into moto has its parameter KEYS re-cased (values and paths untouched).
 */
final class MotoWorkarounds {
    private static final Pattern DB_KEY = Pattern.compile("\"(\\w*Db\\w*(?:\\.\\$)?)\"(\\s*:)");

    private MotoWorkarounds() {}

    static String botoCasedSdkParameters(String definition) {
        Matcher m = DB_KEY.matcher(definition);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("\"" + m.group(1).replace("Db", "DB") + "\"" + m.group(2)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
