package com.drresponder.catalog;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ${Name}} in ASL, as CloudFormation's {@code DefinitionSubstitutions} replace it: the one local implementation. */
public final class Substitutions {
    private static final Pattern NAME = Pattern.compile("\\$\\{([^}]*)}");

    private Substitutions() {}

    /** Replaces every {@code ${Name}}; a name without a value fails, as a CloudFormation deployment would. */
    public static String apply(String template, Map<String, String> values) {
        Matcher m = NAME.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for substitution ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    /** The names a template uses, in order of first use. */
    public static Set<String> names(String template) {
        Set<String> names = new LinkedHashSet<>();
        NAME.matcher(template).results().forEach(r -> names.add(r.group(1)));
        return names;
    }
}
