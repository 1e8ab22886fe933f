package dev.distillery.orchestrator.api;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard is served by the app itself: the page and its ES module, with no build step. */
@QuarkusTest
@TestProfile(RunsApiTest.Workspace.class)
class DashboardTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void thePageAndItsModuleAreServed() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script type=\"module\" src=\"dashboard.js\">"), page.body());
        HttpResponse<String> js = http.send(HttpRequest.newBuilder(URI.create(base + "dashboard.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("content-type").orElse("").contains("javascript"), js.headers().toString());
        assertTrue(js.body().contains("new EventSource(withToken(`api/runs/${id}/events/stream`))"), "the page follows runs live");
    }
}
