package com.drresponder.router;

import com.drresponder.common.Settings;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opt-in scope: the responder touches a resource only when it is both tagged {@code <tagKey>=true}
 * and named in the configured allow-list ({@code *} in the list accepts any tagged resource). Two keys,
 * so a stray tag alone, or a typo in configuration alone, never puts production in scope.
 */
final class ProtectionPolicy {
    private final ResourceTags tags;
    private final String tagKey;
    private final Set<String> allowList;

    ProtectionPolicy(ResourceTags tags, String tagKey, Set<String> allowList) {
        this.tags = tags;
        this.tagKey = tagKey;
        this.allowList = allowList;
    }

    /** Empty when protected; otherwise why not. Also reports a per-resource dry-run tag. */
    Verdict check(ProtectedResource resource) {
        if (resource.taggedArn() == null) {
            return new Verdict(Optional.empty(), false); // a set of resources: the playbook checks each one
        }
        boolean listed = allowList.contains("*") || allowList.contains(resource.taggedArn()) || allowList.contains(resource.lockKey());
        if (!listed) {
            return new Verdict(Optional.of(resource.taggedArn() + " is not in the allow-list (PROTECTED_RESOURCES)"), false);
        }
        Map<String, String> resourceTags = tags.tagsOf(resource.taggedArn());
        if (!"true".equalsIgnoreCase(resourceTags.get(tagKey))) {
            return new Verdict(Optional.of(resource.taggedArn() + " is not tagged " + tagKey + "=true"), false);
        }
        return new Verdict(Optional.empty(), "true".equalsIgnoreCase(resourceTags.get(Settings.DRY_RUN_TAG_KEY)));
    }

    record Verdict(Optional<String> notProtectedBecause, boolean dryRunTagged) {}
}
