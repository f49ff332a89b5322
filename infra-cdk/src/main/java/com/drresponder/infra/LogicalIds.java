package com.drresponder.infra;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

/**
 * CloudFormation logical ids that survive grouping resources into constructs. CDK derives a logical id from the
 * construct path, so moving a resource into a construct renames it, and CloudFormation REPLACES it on the next deploy
 * of an existing stack (the WAF block lists with their blocks, the state machines with their running executions, the
 * log groups of fixed names). A {@link Grouping} construct (each playbook construct) is left out of the path: its
 * resources keep the ids they had at stack scope. The algorithm is CDK's {@code makeUniqueId}; LogicalIdsTest pins the
 * ids of the stateful resources. (The core needs none of this: its construct id is CDK's hidden {@code Default}.)
 */
final class LogicalIds {
    /** A construct that groups resources without renaming them (the core and each playbook construct). */
    interface Grouping extends IConstruct {}

    private static final String HIDDEN_ID = "Default";
    private static final String HIDDEN_FROM_HUMAN_ID = "Resource";
    private static final int MAX_ID_LEN = 255;
    private static final int MAX_HUMAN_LEN = 240;

    private LogicalIds() {}

    /**
     * Gives every CloudFormation element of {@code stack} under a {@link Grouping} the id it would have without the
     * groupings; call it once, when every resource exists. Two elements with one id fail. (Overriding
     * {@code Stack.allocateLogicalId} would do this per element, but jsii nests every Java callback on the Java stack
     * and a synthesis makes thousands of them: StackOverflowError.)
     */
    static void keepStackScopeIds(Stack stack) {
        Map<String, String> pathById = new HashMap<>();
        List<Runnable> derived = new ArrayList<>();
        for (IConstruct construct : stack.getNode().findAll()) {
            if (!CfnElement.isCfnElement(construct) || Stack.of(construct) != stack) {
                continue;
            }
            CfnElement element = (CfnElement) construct;
            List<IConstruct> scopes = element.getNode().getScopes();
            List<IConstruct> path = scopes.subList(scopes.indexOf(stack) + 1, scopes.size());
            List<String> all = path.stream().map(scope -> scope.getNode().getId()).toList();
            List<String> kept = path.stream().filter(scope -> !(scope instanceof Grouping)).map(scope -> scope.getNode().getId()).toList();
            String stable = uniqueId(kept);
            String previous = pathById.put(stable, element.getNode().getPath());
            if (previous != null) {
                throw new IllegalStateException("logical id " + stable + " of " + element.getNode().getPath() + " is already "
                        + previous + "'s: give one of them another construct id");
            }
            if (kept.size() == all.size()) {
                continue;
            }
            String pathId = uniqueId(all);
            if (pathId.equals(stack.resolve(element.getLogicalId()))) {
                element.overrideLogicalId(stable);
            } else {
                // CDK already overrode it with one derived from the path id (a Lambda version: <id><configuration hash>);
                // the hash covers other resources' ids, so it is taken once they are final
                derived.add(() -> {
                    String id = stack.resolve(element.getLogicalId()).toString();
                    if (!id.startsWith(pathId)) {
                        throw new IllegalStateException("cannot keep the logical id of " + element.getNode().getPath() + ": " + id);
                    }
                    element.overrideLogicalId(stable + id.substring(pathId.length()));
                });
            }
        }
        derived.forEach(Runnable::run);
    }

    /** CDK's makeUniqueId: a lone component as is, otherwise the human-readable path plus an 8-digit path hash. */
    static String uniqueId(List<String> path) {
        List<String> components = path.stream().filter(c -> !HIDDEN_ID.equals(c)).toList();
        if (components.isEmpty()) {
            throw new IllegalArgumentException("no components to make a logical id from");
        }
        if (components.size() == 1) {
            String top = alphanumeric(components.get(0));
            if (top.length() <= MAX_ID_LEN) {
                return top;
            }
        }
        StringBuilder human = new StringBuilder();
        String last = null;
        for (String c : components) {
            // removeDupes: a component the previous one already ends with is dropped
            if (last == null || !last.endsWith(c)) {
                if (!HIDDEN_FROM_HUMAN_ID.equals(c)) {
                    human.append(alphanumeric(c));
                }
                last = c;
            }
        }
        String readable = human.length() > MAX_HUMAN_LEN ? human.substring(0, MAX_HUMAN_LEN) : human.toString();
        return readable + hash(String.join("/", components));
    }

    private static String alphanumeric(String s) {
        return s.replaceAll("[^A-Za-z0-9]", "");
    }

    private static String hash(String path) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(path.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md5).substring(0, 8).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
