package com.drresponder.rollback;

/** Reads an alias and the function's published versions. */
public interface LambdaAliases {
    AliasState read(String functionName, String alias);
}
