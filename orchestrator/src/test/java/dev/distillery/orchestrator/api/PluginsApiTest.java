package dev.distillery.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.orchestrator.plugins.TagFlowJar;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code distillery serve} with a plugins directory (config {@code distillery.plugins}): GET /api/plugins lists the
 * plugin with its jar, a run started through the API uses it, and after the jar is rebuilt the next run uses the new
 * code without a restart.
 */
@QuarkusTest
@TestProfile(PluginsApiTest.WithPlugins.class)
class PluginsApiTest {

    /** The same path in the JUnit and the Quarkus copy of this class (each runs the static initialiser). */
    static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"),
            "distillery-plugins-api-test-" + ProcessHandle.current().pid());
    static final Path JAR = DIR.resolve("plugins/tag.jar");

    static {
        try {
            Files.createDirectories(DIR.resolve("plugins"));
            if (!Files.exists(JAR)) tagFlow("v1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static class WithPlugins implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("distillery.workspace", DIR.resolve("runs").toString(),
                    "distillery.plugins", DIR.resolve("plugins").toString());
        }
    }

    static void tagFlow(String version) {
        TagFlowJar.write(JAR, version);
    }

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path.substring(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return Json.MAPPER.readTree(r.body());
    }

    private JsonNode flow(JsonNode listing, String name) {
        for (JsonNode f : listing.get("flows")) if (f.get("name").asText().equals(name)) return f;
        throw new AssertionError("no flow " + name + " in " + listing.get("flows"));
    }

    /** Starts a run of the one-stage pipeline through the API and returns the texts its flow stage wrote. */
    private List<String> runTagged() throws Exception {
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(base + "api/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.string(Map.of("spec", DIR.resolve("tag.yaml").toString()))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, started.statusCode(), started.body());
        String id = Json.MAPPER.readTree(started.body()).get("id").asText();
        JsonNode run = null;
        for (int i = 0; i < 300; i++) {
            run = get("/api/runs/" + id);
            if (run.get("status").asText().matches("SUCCEEDED|FAILED")) break;
            Thread.sleep(100);
        }
        assertEquals("SUCCEEDED", run.get("status").asText(), run.toString());
        List<String> texts = new ArrayList<>();
        for (JsonNode s : get("/api/runs/" + id + "/samples?stage=tagged")) texts.add(s.at("/record/payload/text").asText());
        return texts;
    }

    @Test
    void theDashboardsPluginsPageListsThePluginWithItsJar() throws Exception {
        assumeTrue(DashboardBrowserTest.chromium() != null, "headless Chromium is installed by .ci/run (apt-get install chromium)");
        String dom = DashboardBrowserTest.dom(base + "#/plugins");
        assertTrue(dom.contains("<code>" + DIR.resolve("plugins") + "</code>"), dom);
        Matcher row = Pattern.compile("<tr class=\"origin-plugins-dir\">\\s*<td>tag</td><td>tags each text with v\\d</td>"
                + "\\s*<td>plugins-dir: " + Pattern.quote(JAR.toString()) + "</td>").matcher(dom);
        assertTrue(row.find(), dom);
        assertTrue(dom.contains("<td>responses</td>"), dom);
    }

    @Test
    void thePluginIsListedUsedByARunAndReloadedAfterItsJarIsRebuilt() throws Exception {
        Files.writeString(DIR.resolve("tasks.jsonl"), """
                {"text": "alpha"}
                {"text": "beta"}
                """);
        Files.writeString(DIR.resolve("tag.yaml"), """
                name: tag
                stages:
                  - {name: seeds, kind: source, path: tasks.jsonl}
                  - {name: tagged, kind: flow, inputs: [seeds], flow: tag}
                """);

        JsonNode listing = get("/api/plugins");
        assertEquals(DIR.resolve("plugins").toString(), listing.at("/directory/path").asText(), listing.toString());
        assertEquals(List.of(JAR.toString()), Json.MAPPER.convertValue(listing.at("/directory/jars"), List.class));
        JsonNode tag = flow(listing, "tag");
        assertEquals("plugins-dir", tag.get("origin").asText());
        assertEquals(JAR.toString(), tag.get("location").asText());
        assertEquals("tags each text with v1", tag.get("description").asText());
        assertEquals("built-in", flow(listing, "responses").get("origin").asText());
        assertTrue(listing.get("judges").size() > 3 && listing.get("stages").size() >= 10 && listing.get("formats").size() > 3,
                listing.toString());

        assertEquals(List.of("[v1] alpha", "[v1] beta"), runTagged());

        tagFlow("v2");
        // No restart: the next run reloads the rebuilt jar before it validates its spec.
        assertEquals(List.of("[v2] alpha", "[v2] beta"), runTagged());
        JsonNode after = get("/api/plugins");
        assertEquals("tags each text with v2", flow(after, "tag").get("description").asText());
        assertEquals(listing.at("/directory/reloads").asLong() + 1, after.at("/directory/reloads").asLong(), after.toString());
    }
}
