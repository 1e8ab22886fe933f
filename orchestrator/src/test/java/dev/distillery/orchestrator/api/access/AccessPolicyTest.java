package dev.distillery.orchestrator.api.access;

import io.vertx.core.net.HostAndPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may use `distillery serve`: the start-up check (no token off loopback) and the token comparison. */
class AccessPolicyTest {

    static final String TOKEN = "c0ffee-policy-test-token-42";

    @TempDir
    Path tmp;

    @Test
    void aNonLoopbackHostWithoutATokenIsRefusedWithHowToSetOne() {
        for (String host : new String[] {"0.0.0.0", "::", "[::]", "192.0.2.10", "name.invalid"}) {
            AccessConfigurationException e = assertThrows(AccessConfigurationException.class,
                    () -> AccessPolicy.forServing(host, Optional.empty(), Optional.empty()), host);
            assertTrue(e.getMessage().contains("refusing to serve on " + host + " without an access token"), e.getMessage());
            assertTrue(e.getMessage().contains("DISTILLERY_ACCESS_TOKEN") && e.getMessage().contains("--token-file"),
                    "the message says how to set a token: " + e.getMessage());
        }
        for (String host : new String[] {"127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"}) {
            AccessPolicy p = AccessPolicy.forServing(host, Optional.empty(), Optional.empty());
            assertFalse(p.requiresToken(), host);
            assertTrue(p.accepts(null), "loopback without a token lets requests through: " + host);
        }
    }

    @Test
    void aTokenAllowsAnyHostAndOnlyTheExactTokenIsAccepted() {
        AccessPolicy p = AccessPolicy.forServing("0.0.0.0", Optional.of(TOKEN), Optional.empty());
        assertTrue(p.requiresToken());
        assertTrue(p.accepts(TOKEN));
        for (String wrong : new String[] {null, "", TOKEN.substring(1), TOKEN + "x", TOKEN.toUpperCase(),
                "c0ffee-policy-test-token-43"}) {
            assertFalse(p.accepts(wrong), "refused: " + wrong);
        }
        assertFalse(p.toString().contains(TOKEN), "the token never shows in a log line: " + p);
        // A token on loopback still guards every request (a shared machine has other users).
        assertTrue(AccessPolicy.forServing("127.0.0.1", Optional.of(TOKEN), Optional.empty()).requiresToken());
    }

    @Test
    void aTokenFileIsReadWithoutItsFinalNewline() throws Exception {
        Path file = Files.writeString(tmp.resolve("token"), TOKEN + "\n");
        AccessPolicy p = AccessPolicy.forServing("0.0.0.0", Optional.empty(), Optional.of(file));
        assertTrue(p.accepts(TOKEN));
        assertEquals(Optional.of(TOKEN), p.token());
        assertFalse(p.accepts(TOKEN + "\n"));
    }

    @Test
    void unusableTokensAreRefusedWithTheReason() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty"), "\n");
        Path missing = tmp.resolve("missing");
        Path file = Files.writeString(tmp.resolve("token"), TOKEN);
        assertMessage("is empty", () -> AccessPolicy.forServing("0.0.0.0", Optional.empty(), Optional.of(empty)));
        assertMessage("cannot read the token file " + missing,
                () -> AccessPolicy.forServing("0.0.0.0", Optional.empty(), Optional.of(missing)));
        assertMessage("has 5 characters; use at least 16",
                () -> AccessPolicy.forServing("127.0.0.1", Optional.of("short"), Optional.empty()));
        assertMessage("printable ASCII without spaces",
                () -> AccessPolicy.forServing("127.0.0.1", Optional.of("a token with spaces"), Optional.empty()));
        assertMessage("keep one", () -> AccessPolicy.forServing("0.0.0.0", Optional.of(TOKEN), Optional.of(file)));
    }

    @Test
    void requestHostNamesAreJudgedBySpellingNotByResolving() {
        for (String h : new String[] {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "[::1]", "::1", "app.localhost", null}) {
            assertTrue(AccessGuard.isLoopbackName(h), String.valueOf(h));
        }
        // A DNS-rebinding page's own name resolves to 127.0.0.1 and must still be refused.
        for (String h : new String[] {"evil.example", "localhost.evil.example", "127.0.0.1.nip.io", "0.0.0.0", "10.0.0.1"}) {
            assertFalse(AccessGuard.isLoopbackName(h), h);
        }
        HostAndPort local = HostAndPort.create("localhost", 8080);
        assertTrue(AccessGuard.sameOrigin("http://localhost:8080", local, "http"));
        assertTrue(AccessGuard.sameOrigin("http://LOCALHOST:8080", local, "http"));
        assertTrue(AccessGuard.sameOrigin("http://[::1]:8080", HostAndPort.create("[::1]", 8080), "http"));
        assertTrue(AccessGuard.sameOrigin("http://localhost", HostAndPort.create("localhost", -1), "http"));
        assertFalse(AccessGuard.sameOrigin("http://evil.example", local, "http"));
        assertFalse(AccessGuard.sameOrigin("http://evil.example:8080", local, "http"));
        assertFalse(AccessGuard.sameOrigin("null", local, "http"));
        assertFalse(AccessGuard.sameOrigin("http://localhost:8081", local, "http"));
        assertFalse(AccessGuard.sameOrigin("https://localhost:8080", local, "http"));
        assertFalse(AccessGuard.sameOrigin("http://localhost:8080", null, "http"));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        AccessConfigurationException x = assertThrows(AccessConfigurationException.class, e);
        assertTrue(x.getMessage().contains(part), x.getMessage());
    }
}
