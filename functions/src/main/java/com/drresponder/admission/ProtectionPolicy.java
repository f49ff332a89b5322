package com.drresponder.admission;

import com.drresponder.common.Settings;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opt-in scope: the responder touches a resource only when it is both tagged {@code <tagKey>=true}
 * and named in the configured allow-list ({@code *} in the list accepts any tagged resource). Two keys,
 * so a stray tag alone, or a typo in configuration alone, never puts production in scope. A resource
 * without an ARN is never protected, except a set of secrets, whose members the playbook checks one by
 * one with {@link #allowListed} and the tag.
 */
public final class ProtectionPolicy {
    private final ResourceTags tags;
    private final String tagKey;
    private final Set<String> allowList;

    public ProtectionPolicy(ResourceTags tags, String tagKey, Set<String> allowList) {
        this.tags = tags;
        this.tagKey = tagKey;
        this.allowList = allowList;
    }

    /** The deployment's opt-in: its tag key and allow-list ({@code PROTECTION_TAG_KEY}, {@code PROTECTED_RESOURCES}). */
    public static ProtectionPolicy of(ResourceTags tags, Settings settings) {
        return new ProtectionPolicy(tags, settings.protectionTagKey(), settings.protectedResources());
    }

    /** Empty when protected; otherwise why not. Also reports a per-resource dry-run tag. */
    public Verdict check(ProtectedResource resource) {
        if (resource.taggedArn() == null) {
            if (ProtectedResource.SECRET_SET.equals(resource.kind())) {
                return new Verdict(Optional.empty(), false);
            }
            return new Verdict(Optional.of(resource.displayName() + " names no resource ARN to check"), false);
        }
        if (!allowListed(resource.taggedArn()) && !allowList.contains(resource.lockKey())) {
            return new Verdict(Optional.of(resource.taggedArn() + " is not in the allow-list (PROTECTED_RESOURCES)"), false);
        }
        Map<String, String> resourceTags = tags.tagsOf(resource.taggedArn());
        // exactly "true", as the roles' IAM conditions (StringEquals) and the planners compare it: a "True" tag is not an opt-in
        if (!"true".equals(resourceTags.get(tagKey))) {
            return new Verdict(Optional.of(resource.taggedArn() + " is not tagged " + tagKey + "=true"), false);
        }
        return new Verdict(Optional.empty(), "true".equalsIgnoreCase(resourceTags.get(Settings.DRY_RUN_TAG_KEY)));
    }

    /** The allow-list half of the check, for the members of a set (each secret of a credential response). */
    public boolean allowListed(String arn) {
        return allowList.contains("*") || allowList.contains(arn);
    }

    public record Verdict(Optional<String> notProtectedBecause, boolean dryRunTagged) {}
}
