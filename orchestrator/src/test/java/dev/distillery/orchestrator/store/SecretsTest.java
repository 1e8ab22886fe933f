package dev.distillery.orchestrator.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsTest {

    private static final String ENV_KEY = "sk-proj-envSecretValue0123456789";
    private static final Secrets SECRETS = Secrets.of(Map.of("OPENAI_API_KEY", ENV_KEY, "HOME", "/home/someone",
            "SHORT_TOKEN", "abc"));

    @TempDir
    Path tmp;

    @Test
    void masksYamlJsonHeadersQueryStringsAndEnvironmentValues() {
        String yaml = """
                models:
                  teacher:
                    provider: openai
                    model: gpt-4o-mini
                    api_key: literal-key-in-spec-12345
                    apiKey: "quoted-key-in-spec-12345"
                    base_url: https://api.example.com/v1?token=query-token-12345&x=1
                    from_env: ${OPENAI_API_KEY}
                  judge:
                    api_key: ${JUDGE_API_KEY}
                tokenizer:
                  pad_token: "<pad>"
                  max_tokens: 512
                """;
        String masked = SECRETS.mask(yaml);
        for (String secret : List.of("literal-key-in-spec-12345", "quoted-key-in-spec-12345", "query-token-12345")) {
            assertFalse(masked.contains(secret), secret + " in\n" + masked);
        }
        assertTrue(masked.contains("api_key: \"***\""), masked);
        assertTrue(masked.contains("from_env: ${OPENAI_API_KEY}"), "placeholders are references, kept: " + masked);
        assertTrue(masked.contains("api_key: ${JUDGE_API_KEY}\n"), "placeholders are references, kept: " + masked);
        assertTrue(masked.contains("pad_token: \"<pad>\""), "tokenizer settings are not secrets: " + masked);
        assertTrue(masked.contains("max_tokens: 512"), masked);
        assertTrue(masked.contains("model: gpt-4o-mini"), masked);

        String json = "{\"headers\":{\"Authorization\":\"Bearer hdr-token-abcdef123\",\"X-Api-Key\":\"x-key-12345678\"},\"n\":1}";
        String maskedJson = SECRETS.mask(json);
        assertFalse(maskedJson.contains("hdr-token-abcdef123"), maskedJson);
        assertFalse(maskedJson.contains("x-key-12345678"), maskedJson);
        assertTrue(maskedJson.contains("\"n\":1"), maskedJson);

        String log = "retrying with key " + ENV_KEY + " after 429; curl -H 'Authorization: Bearer zzzzzzzz12345' password=hunter2hunter2";
        String maskedLog = SECRETS.mask(log);
        assertFalse(maskedLog.contains(ENV_KEY), maskedLog);
        assertFalse(maskedLog.contains("zzzzzzzz12345"), maskedLog);
        assertFalse(maskedLog.contains("hunter2hunter2"), maskedLog);
        assertTrue(maskedLog.contains("after 429"), maskedLog);
        assertTrue(SECRETS.mask("home is /home/someone, token abc").contains("/home/someone"),
                "only variables named like secrets, and not too short to be one, are masked");
        assertTrue(SECRETS.mask("key sk-ant-api03-abcdefghijklmnopqrstuv leaked").contains("key *** leaked"));
    }

    @Test
    void masksJsonTreesAndLeavesTheirShape() throws Exception {
        JsonNode tree = Json.MAPPER.readTree("{\"model\":{\"api_key\":\"abcdefgh1234\",\"name\":\"m\"},"
                + "\"messages\":[\"uses " + ENV_KEY + "\"],\"token\":null,\"password\":\"${DB_PASSWORD}\"}");
        JsonNode masked = SECRETS.mask(tree);
        assertEquals("***", masked.at("/model/api_key").asText());
        assertEquals("m", masked.at("/model/name").asText());
        assertEquals("uses ***", masked.at("/messages/0").asText());
        assertTrue(masked.get("token").isNull());
        assertEquals("${DB_PASSWORD}", masked.get("password").asText());
        assertEquals("abcdefgh1234", tree.at("/model/api_key").asText(), "the input is not modified");
    }

    @Test
    void recordsLoseOnlyTheKnownKeysNotKeyShapedContent() {
        String record = "{\"answer\": \"use a key like sk-proj-abcdefghijklmnopqrstu; yours is " + ENV_KEY + "\"}";
        String masked = SECRETS.maskKnownValues(record);
        assertEquals("{\"answer\": \"use a key like sk-proj-abcdefghijklmnopqrstu; yours is ***\"}", masked);
        assertTrue(SECRETS.knowsValues());
        Secrets none = Secrets.of(Map.of("HOME", "/home/someone"));
        assertFalse(none.knowsValues());
        assertSame(record, none.maskKnownValues(record), "nothing to mask: the same string, no copy");
    }

    @Test
    void recognisesSecretNames() {
        for (String name : List.of("api_key", "OPENAI_API_KEY", "apiKey", "x-api-key", "token", "hf_token",
                "accessToken", "Authorization", "password", "client_secret", "aws_secret_access_key")) {
            assertTrue(Secrets.isSecretName(name), name);
        }
        for (String name : List.of("model", "max_tokens", "pad_token", "tokenizer", "key", "author", "num_tokens")) {
            assertFalse(Secrets.isSecretName(name), name);
        }
    }

    @Test
    void nothingTheStoreWritesContainsASecret() throws Exception {
        String literal = "literal-spec-key-" + System.nanoTime();
        String spec = """
                name: leaky
                models:
                  teacher:
                    api_key: %s
                    note: uses %s
                """.formatted(literal, ENV_KEY);
        Path workspace = tmp.resolve("runs");
        try (RunStore store = RunStore.builder(workspace).secrets(SECRETS).open()) {
            RunRecord run = store.createRun("leaky", spec, Fingerprints.sha256(spec));
            store.upsertStage(run.id(), "generate", "flow", "fp");
            store.appendEvent(run.id(), "generate", "model-call", Map.of("request",
                    Map.of("api_key", literal, "headers", Map.of("Authorization", "Bearer " + ENV_KEY))));
            store.appendEvent(run.id(), null, "log", Map.of("message", "call failed for key " + ENV_KEY));
            store.markStage(run.id(), "generate", StageStatus.FAILED, "401 for api_key=" + literal);
            store.markRun(run.id(), RunStatus.FAILED, "openai said: invalid key " + ENV_KEY);
            store.callCache().put("k", new CallCacheEntry("gpt", "{\"echo\":\"" + ENV_KEY + "\"}", 1, 1, null));
            try (RunLog log = RunDirectory.at(run.runDir(), SECRETS).openLog()) {
                log.error("generate", "request headers: {Authorization=Bearer " + ENV_KEY + "} api_key: " + literal);
            }
            String specCopy = Files.readString(run.runDir().resolve("spec.yaml"));
            assertTrue(specCopy.contains("name: leaky") && specCopy.contains("api_key: \"***\""), specCopy);
            assertTrue(store.run(run.id()).orElseThrow().error().startsWith("openai said: invalid key ***"));
        }
        assertAbsentFromEveryFile(workspace, literal);
        assertAbsentFromEveryFile(workspace, ENV_KEY);
    }

    /** Reads every file under {@code root} as bytes (the database included) and fails if {@code secret} occurs. */
    static void assertAbsentFromEveryFile(Path root, String secret) throws Exception {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().endsWith(".mv.db")), "database checked too: " + files);
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            assertFalse(contains(bytes, needle), "secret found in " + file);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return Arrays.equals(needle, new byte[0]);
    }
}
