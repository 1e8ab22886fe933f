package dev.distillery.orchestrator.api;

import dev.distillery.orchestrator.plugins.InstalledPlugins;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/plugins}: the flows, judges, stage kinds and record formats this server can use, each with where it
 * came from, and the plugins directory (jars, skipped jars). A jar rebuilt in the plugins directory is reloaded by
 * this request, as by the start of a run.
 */
@Path("/api/plugins")
@Produces(MediaType.APPLICATION_JSON)
public class PluginsResource {

    @GET
    public InstalledPlugins.Listing plugins() {
        return InstalledPlugins.list();
    }
}
