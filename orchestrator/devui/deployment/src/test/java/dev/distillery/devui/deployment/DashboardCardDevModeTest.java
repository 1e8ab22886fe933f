package dev.distillery.devui.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;

import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.devui.tests.DevUIBuildTimeDataTest;
import io.quarkus.test.QuarkusDevModeTest;

/**
 * Starts an application in dev mode with this extension and reads what the Dev UI itself serves to the browser
 * ({@code /q/dev-ui/devui-data.js}, the list of extension cards): the Distillery card must be there with its pages.
 * A non-default HTTP root path shows that the links follow the application's paths rather than assuming "/"; a changed
 * workspace shows that the card is rebuilt on a live reload.
 */
class DashboardCardDevModeTest extends DevUIBuildTimeDataTest {

    private static final String ROOT_PATH = "/distillery/";
    /** A free port rather than 8080, which other builds and a running `distillery serve` may hold. */
    private static final int PORT = freePort();

    @RegisterExtension
    static final QuarkusDevModeTest APP = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addAsResource(new StringAsset("""
                    quarkus.http.root-path=%s
                    quarkus.http.port=%d
                    distillery.workspace=target/card-runs
                    """.formatted(ROOT_PATH, PORT)), "application.properties"));

    DashboardCardDevModeTest() {
        super("devui");
    }

    /**
     * Runs after the base class has built the data URL from {@code test.url}, which knows neither the port chosen here
     * nor the HTTP root path that the Dev UI sits below.
     */
    @BeforeEach
    void pointAtThisApplication() {
        uri = URI.create("http://localhost:" + PORT + ROOT_PATH + "q/dev-ui/devui-data.js");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the dev-mode application", e);
        }
    }

    @Test
    void theDevUiListsADistilleryCardThatOpensTheDashboardAndTheRunsApiAndFollowsALiveReload() throws Exception {
        JsonNode card = distilleryCard();

        JsonNode dashboard = page(card, "Dashboard");
        assertEquals("/distillery/", dashboard.at("/metadata/externalUrl").asText(), dashboard.toString());
        assertEquals("text/html", dashboard.at("/metadata/mimeType").asText(), dashboard.toString());
        assertTrue(dashboard.get("embed").asBoolean(), "the dashboard opens inside the Dev UI: " + dashboard);
        // The second url(..) argument: an icon beside the title that opens the dashboard in a tab of its own.
        String newTabLink = dashboard.get("staticLabel").asText();
        assertTrue(newTabLink.contains("href='/distillery/' target='_blank'"), newTabLink);

        JsonNode runs = page(card, "Runs API");
        assertEquals("/distillery/api/runs", runs.at("/metadata/externalUrl").asText(), runs.toString());
        assertEquals("application/json", runs.at("/metadata/mimeType").asText(), runs.toString());
        // The Dev UI puts a space before every label.
        assertEquals("target/card-runs", runs.get("staticLabel").asText().strip(), runs.toString());
        assertTrue(runs.get("tooltip").asText().endsWith("/target/card-runs"), runs.toString());

        // One test rather than two: QuarkusDevModeTest starts the application afresh for every test method.
        APP.modifyResourceFile("application.properties",
                properties -> properties.replace("target/card-runs", "target/other-runs"));
        // The first request after the change rebuilds the application, and with it the card.
        JsonNode reloaded = page(distilleryCard(), "Runs API");
        assertEquals("target/other-runs", reloaded.get("staticLabel").asText().strip(), reloaded.toString());
    }

    private JsonNode distilleryCard() throws Exception {
        JsonNode extensions = getBuildTimeData("extensions");
        assertNotNull(extensions, "the Dev UI serves no extension list");
        StringBuilder names = new StringBuilder();
        for (JsonNode group : extensions) {
            for (JsonNode extension : group) {
                names.append(extension.path("name").asText()).append(", ");
                if ("Distillery".equals(extension.path("name").asText())) {
                    return extension;
                }
            }
        }
        return fail("no Distillery card among the Dev UI's extensions: " + names);
    }

    private static JsonNode page(JsonNode card, String title) {
        for (JsonNode page : card.path("cardPages")) {
            if (title.equals(page.path("title").asText())) {
                return page;
            }
        }
        return fail("the Distillery card has no page titled " + title + ": " + card);
    }
}
