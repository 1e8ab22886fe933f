package dev.distillery.orchestrator.run;

import dev.distillery.datasets.spi.PluginOrigin;
import dev.distillery.datasets.spi.Plugins;

import java.nio.file.Path;
import java.util.Map;

/**
 * The part of a stage's fingerprint that a plugin from the plugins directory contributes: its jar and the jar's
 * stamp. A rebuilt flow or judge jar thereby makes a resume recompute the stages that used it, instead of reusing
 * output the old code produced. Built-ins and class-path plugins contribute nothing (they change only with the
 * installation).
 */
final class PluginStamp {
    private PluginStamp() {
    }

    static Object of(Class<?> spi, Object provider) {
        PluginOrigin o = Plugins.origin(spi, provider);
        if (o.kind() != PluginOrigin.Kind.PLUGINS_DIR || o.location() == null) return null;
        return Map.of("plugin", o.location(), "jar", FileStamp.of(Path.of(o.location())));
    }
}
