package com.drresponder.credentials;

import java.util.List;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/** {@link IamUserCredentials} from IAM: ListAccessKeys and GetLoginProfile. */
public record IamUserCredentialsReader(IamClient iam) implements IamUserCredentials {
    @Override
    public List<AccessKeyInfo> accessKeys(String userName) {
        return iam.listAccessKeysPaginator(r -> r.userName(userName)).accessKeyMetadata().stream()
                .map(k -> new AccessKeyInfo(k.accessKeyId(), k.statusAsString())).toList();
    }

    @Override
    public boolean hasConsolePassword(String userName) {
        try {
            iam.getLoginProfile(r -> r.userName(userName));
            return true;
        } catch (NoSuchEntityException e) {
            return false; // IAM's answer for a user without a console password
        }
    }
}
