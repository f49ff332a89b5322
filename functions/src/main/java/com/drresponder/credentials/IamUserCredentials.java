package com.drresponder.credentials;

import java.util.List;

/** What else an IAM user can authenticate with: its access keys and a console password. Reads only. */
public interface IamUserCredentials {

    /** An access key of the user, never its secret. */
    record AccessKeyInfo(String accessKeyId, String status) {}

    List<AccessKeyInfo> accessKeys(String userName);

    /** Whether the user has a login profile (a console password). */
    boolean hasConsolePassword(String userName);
}
