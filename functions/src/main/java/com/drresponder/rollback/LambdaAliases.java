package com.drresponder.rollback;

/** Reads an alias and the function's published versions. */
public interface LambdaAliases {
    AliasState read(String functionName, String alias);

    /** The function's tags (none unless the implementation reads them). */
    default java.util.Map<String, String> tags(String functionArn) {
        return java.util.Map.of();
    }
}
