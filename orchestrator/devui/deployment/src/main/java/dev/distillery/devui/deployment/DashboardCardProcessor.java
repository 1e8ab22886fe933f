package dev.distillery.devui.deployment;

import java.nio.file.Path;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.deployment.IsLocalDevelopment;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.devui.spi.page.CardPageBuildItem;
import io.quarkus.devui.spi.page.Page;
import io.quarkus.vertx.http.deployment.HttpRootPathBuildItem;

/**
 * Puts a "Distillery" card on the Quarkus Dev UI ({@code /q/dev-ui}) that opens the dashboard and the runs API.
 *
 * <p>The Dev UI exists only in dev mode and an application cannot add pages to it itself: every card is a build item
 * from an extension's deployment module, hence this module. The step runs only in local dev mode, so a packaged
 * application and the CLI see none of it.
 */
public class DashboardCardProcessor {

    /** The orchestrator's JSON list of runs, relative to the HTTP root path (RunsResource). */
    static final String RUNS_API = "api/runs";
    /** The orchestrator's workspace setting; read here only to show which workspace the runs come from. */
    static final String WORKSPACE_PROPERTY = "distillery.workspace";
    /** The orchestrator's default for {@link #WORKSPACE_PROPERTY} (RunService). */
    static final String DEFAULT_WORKSPACE = "runs";

    @BuildStep(onlyIf = IsLocalDevelopment.class)
    CardPageBuildItem dashboardCard(HttpRootPathBuildItem httpRoot) {
        // Read from the build's configuration, not through a config root of our own: that would make it a build-time
        // property of the application, while the orchestrator takes it at run time (serve --workspace).
        String workspace = ConfigProvider.getConfig()
                .getOptionalValue(WORKSPACE_PROPERTY, String.class)
                .orElse(DEFAULT_WORKSPACE);
        CardLinks links = CardLinks.of(httpRoot.getRootPath(), httpRoot.resolvePath(RUNS_API), workspace, Path.of(""));

        CardPageBuildItem card = new CardPageBuildItem();
        // Embedded in the Dev UI, plus an icon beside the title that opens it in a tab of its own (the second url).
        card.addPage(Page.externalPageBuilder("Dashboard")
                .icon("font-awesome-solid:gauge-high")
                .url(links.dashboard(), links.dashboard())
                .isHtmlContent());
        card.addPage(Page.externalPageBuilder("Runs API")
                .icon("font-awesome-solid:list")
                .url(links.runsApi())
                .isJsonContent()
                .staticLabel(links.workspaceLabel())
                .tooltip(links.workspaceTooltip()));
        return card;
    }
}
