package com.drresponder.rollback;

import java.util.List;
import java.util.Map;

/**
 * What Lambda says about an alias and its function right now.
 *
 * @param weights      AdditionalVersionWeights of a weighted (canary/linear) rollout; empty when none
 * @param versions     published version numbers that exist (deleted ones are absent), never $LATEST
 */
public record AliasState(String aliasArn, String functionVersion, String revisionId, Map<String, Double> weights, List<String> versions) {}
