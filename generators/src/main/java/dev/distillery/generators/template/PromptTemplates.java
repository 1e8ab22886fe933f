package dev.distillery.generators.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import dev.distillery.datasets.model.RecordIds;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds prompt templates: a user's override directory first, then the resources under
 * {@code dev/distillery/generators/templates/<flow>/<name>.jinja}, in the flow's own jar (a plugin carries its
 * templates) or among the built-ins. The override directory uses the same relative names, so overriding one prompt
 * means copying one file.
 *
 * <pre>{@code PromptTemplates templates = PromptTemplates.withOverrides(Path.of("prompts"));
 * PromptTemplate t = templates.load("evol-instruct", "in-depth");}</pre>
 */
public final class PromptTemplates {

    /** Where built-in templates live on the classpath. */
    public static final String RESOURCE_ROOT = "dev/distillery/generators/templates/";
    public static final String EXTENSION = ".jinja";

    private final Path overrideDir;
    private final ClassLoader loader;
    private final Jinjava engine;
    private final Map<String, PromptTemplate> cache = new ConcurrentHashMap<>();

    private PromptTemplates(Path overrideDir) {
        this.overrideDir = overrideDir;
        this.loader = PromptTemplates.class.getClassLoader();
        // Strict: an undefined variable fails the render instead of becoming an empty string.
        this.engine = new Jinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(true).build());
    }

    /** Built-in templates only. */
    public static PromptTemplates builtIn() {
        return new PromptTemplates(null);
    }

    /** Templates in {@code dir} win over the built-ins; the directory must exist. */
    public static PromptTemplates withOverrides(Path dir) {
        if (dir == null) return builtIn();
        if (!Files.isDirectory(dir)) {
            throw new TemplateException(dir.toString(), "prompt override directory does not exist");
        }
        return new PromptTemplates(dir);
    }

    /** The override directory, or null. */
    public Path overrideDir() {
        return overrideDir;
    }

    /** Loads (once) the template {@code name} of {@code flow}; throws naming both places looked in when absent. */
    public PromptTemplate load(String flow, String name) {
        return load(flow, name, null);
    }

    /**
     * Loads (once) the template {@code name} of {@code flow}, looking in {@code flowResources} (the flow's own class
     * loader, which sees a plugin jar's templates) before the built-ins; null for the built-ins only.
     */
    public PromptTemplate load(String flow, String name, ClassLoader flowResources) {
        // A reloaded plugin brings a new loader whose jar may carry changed templates: the loader is part of the key.
        String key = flow + "/" + name + (flowResources == null ? "" : "@" + System.identityHashCode(flowResources));
        return cache.computeIfAbsent(key, k -> read(flow, name, flowResources));
    }

    /**
     * Loads every template in {@code specs} and renders each once with its example variables, so a missing file, a
     * syntax error or a variable the flow does not provide fails now, before any model call.
     */
    public void check(String flow, List<TemplateSpec> specs) {
        check(flow, specs, null);
    }

    /** {@link #check(String, List)} for a flow whose templates may sit in its own jar ({@code flowResources}). */
    public void check(String flow, List<TemplateSpec> specs, ClassLoader flowResources) {
        for (TemplateSpec spec : specs) load(flow, spec.name(), flowResources).render(spec.variables());
    }

    private PromptTemplate read(String flow, String name, ClassLoader flowResources) {
        String relative = flow + "/" + name + EXTENSION;
        if (overrideDir != null) {
            Path file = overrideDir.resolve(relative);
            if (Files.isRegularFile(file)) {
                try {
                    return make(flow, name, file.toString(), Files.readString(file, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new TemplateException(file.toString(), "cannot read template: " + e.getMessage());
                }
            }
        }
        String resource = RESOURCE_ROOT + relative;
        URL url = flowResources == null ? null : flowResources.getResource(resource);
        if (url == null) url = loader.getResource(resource);
        if (url == null) {
            throw new TemplateException(resource, "template not found"
                    + (overrideDir != null ? " (nor " + overrideDir.resolve(relative) + ")" : ""));
        }
        try {
            URLConnection c = url.openConnection();
            // Not through the JDK's shared jar cache, which would keep every reloaded plugin jar open for good.
            c.setUseCaches(false);
            try (InputStream in = c.getInputStream()) {
                return make(flow, name, "classpath:" + resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(resource + ": cannot read template", e);
        }
    }

    private PromptTemplate make(String flow, String name, String origin, String text) {
        if (text.isBlank()) throw new TemplateException(origin, "template is empty");
        String hash = RecordIds.sha256Hex(text.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
        return new PromptTemplate(flow, name, origin, text, hash, engine);
    }
}
