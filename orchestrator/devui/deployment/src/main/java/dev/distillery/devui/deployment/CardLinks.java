package dev.distillery.devui.deployment;

import java.nio.file.Path;

/**
 * What the Dev UI card points at.
 *
 * @param dashboard        the dashboard's URL path (the HTTP root path)
 * @param runsApi          the URL path of the JSON list of runs
 * @param workspaceLabel   the workspace as configured, HTML-escaped: the Dev UI renders a page's label as HTML
 * @param workspaceTooltip the workspace's absolute directory, for the label's tooltip
 */
record CardLinks(String dashboard, String runsApi, String workspaceLabel, String workspaceTooltip) {

    /**
     * @param workingDirectory what a relative workspace is resolved against: the process's working directory, which in
     *                         dev mode is also the directory the application's run store opens
     */
    static CardLinks of(String rootPath, String runsApiPath, String workspace, Path workingDirectory) {
        if (workspace == null || workspace.isBlank()) {
            throw new IllegalArgumentException("distillery.workspace is blank; set it to the directory that holds the runs");
        }
        Path directory = workingDirectory.resolve(workspace).toAbsolutePath().normalize();
        return new CardLinks(rootPath, runsApiPath, escapeHtml(workspace), "Runs in workspace " + directory);
    }

    static String escapeHtml(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
