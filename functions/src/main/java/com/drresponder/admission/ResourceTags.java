package com.drresponder.admission;

import java.util.Map;

/** Tags of a resource by ARN; empty when it has none or does not exist (so it is not protected). */
public interface ResourceTags {
    Map<String, String> tagsOf(String arn);
}
