package dev.distillery.orchestrator.cli;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `distillery serve --host 0.0.0.0` without an access token: the application stops before its HTTP server binds, with
 * one message that says how to set a token, and exit status 1.
 */
@QuarkusMainTest
@TestProfile(ServeRefusesOpenHostTest.OpenHost.class)
class ServeRefusesOpenHostTest {

    /** What the launcher passes for `serve --host 0.0.0.0`, and no token anywhere. */
    public static class OpenHost implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.host", "0.0.0.0");
        }
    }

    @Test
    @Timeout(120)
    void servingOnAllInterfacesWithoutATokenDoesNotStart(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("serve");
        String all = r.getOutput() + r.getErrorOutput();
        assertEquals(1, r.exitCode(), all);
        assertTrue(all.contains("distillery serve: refusing to serve on 0.0.0.0 without an access token"), all);
        assertTrue(all.contains("DISTILLERY_ACCESS_TOKEN") && all.contains("--token-file"), all);
        assertFalse(all.contains("serving the runs of"), "the command never ran: " + all);
    }
}
