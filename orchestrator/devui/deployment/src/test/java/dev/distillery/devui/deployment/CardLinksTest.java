package dev.distillery.devui.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class CardLinksTest {

    @Test
    void theWorkspaceLabelIsEscapedBecauseTheDevUiRendersLabelsAsHtml() {
        CardLinks links = CardLinks.of("/", "/api/runs", "runs/<b>&'\"x\"", Path.of("/srv"));

        assertEquals("runs/&lt;b&gt;&amp;&#39;&quot;x&quot;", links.workspaceLabel());
        // The tooltip is an attribute set by the Dev UI's templates, which escape it themselves.
        assertEquals("Runs in workspace /srv/runs/<b>&'\"x\"", links.workspaceTooltip());
    }

    @Test
    void aRelativeWorkspaceResolvesAgainstTheWorkingDirectoryAndAnAbsoluteOneStaysPut() {
        assertEquals("Runs in workspace /home/me/project/runs",
                CardLinks.of("/", "/api/runs", "runs", Path.of("/home/me/project")).workspaceTooltip());
        assertEquals("Runs in workspace /data/runs",
                CardLinks.of("/", "/api/runs", "/data/./runs", Path.of("/home/me/project")).workspaceTooltip());
    }

    @Test
    void aBlankWorkspaceIsRejectedNamingTheProperty() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> CardLinks.of("/", "/api/runs", " ", Path.of("/srv")));
        assertTrue(error.getMessage().contains("distillery.workspace"), error.getMessage());
    }
}
