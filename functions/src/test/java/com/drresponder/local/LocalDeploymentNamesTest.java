package com.drresponder.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.admission.Deployment;
import com.drresponder.database.DatabaseTls;
import com.drresponder.guard.GuardClock;
import com.drresponder.restore.VerifyDatabaseHandler;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ResponderDeployment lives in local-aws, outside the Lambda package, so it cannot see the functions' constants and
 * spells the variable names it sets itself: here, where both are visible, they must be the names the functions read.
 */
class LocalDeploymentNamesTest {

    @Test
    void localDatabaseEnvironment_should_setTheVariablesTheFunctionsRead_when_givenAnAddress() {
        assertThat(ResponderDeployment.localDatabaseEnvironment("127.0.0.1:5432")).isEqualTo(Map.of(
                DatabaseTls.MODE_VARIABLE, DatabaseTls.DISABLE, VerifyDatabaseHandler.LOCAL_ADDRESS, "127.0.0.1:5432"));
    }

    @Test
    void deploymentVariables_should_beTheFunctionsNames_when_setByTheLocalDeployment() {
        assertThat(ResponderDeployment.ACCOUNT_VARIABLE).isEqualTo(Deployment.ACCOUNT_VARIABLE);
        assertThat(ResponderDeployment.GUARD_CLOCK_FILE_VARIABLE).isEqualTo(GuardClock.FILE_VARIABLE);
    }
}
