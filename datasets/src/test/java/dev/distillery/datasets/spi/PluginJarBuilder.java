package dev.distillery.datasets.spi;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds a real plugin jar in a test: compiles Java sources with the JDK's compiler against the test class path,
 * adds {@code META-INF/services} entries and resources, and writes the jar (in place, as {@code mvn package} does).
 *
 * <pre>{@code
 * PluginJarBuilder.create()
 *         .source("p.Shout", "package p; public class Shout implements ... { ... }")
 *         .service(Flow.class, "p.Shout")
 *         .writeTo(dir.resolve("shout.jar"));
 * }</pre>
 */
public final class PluginJarBuilder {
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, List<String>> services = new LinkedHashMap<>();
    private final Map<String, String> resources = new LinkedHashMap<>();

    private PluginJarBuilder() {
    }

    public static PluginJarBuilder create() {
        return new PluginJarBuilder();
    }

    /** A class to compile, by its binary name. */
    public PluginJarBuilder source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** Registers {@code className} as a provider of {@code spi}. */
    public PluginJarBuilder service(Class<?> spi, String className) {
        services.computeIfAbsent(spi.getName(), k -> new ArrayList<>()).add(className);
        return this;
    }

    /** A text resource at {@code path} inside the jar. */
    public PluginJarBuilder resource(String path, String text) {
        resources.put(path, text);
        return this;
    }

    /**
     * Compiles the sources and writes the jar to {@code jar} (overwriting it).
     *
     * @throws IllegalStateException with the compiler's messages when a source does not compile
     */
    public Path writeTo(Path jar) {
        try {
            Path classes = Files.createTempDirectory("plugin-classes");
            compile(classes);
            Files.createDirectories(jar.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(classes)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path f : files) put(j, classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                for (var e : services.entrySet()) {
                    put(j, "META-INF/services/" + e.getKey(), (String.join("\n", e.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
                }
                for (var e : resources.entrySet()) put(j, e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void compile(Path out) throws IOException {
        if (sources.isEmpty()) return;
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) throw new IllegalStateException("no Java compiler: the tests need a JDK, not a JRE");
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, code) -> units.add(new SimpleJavaFileObject(
                URI.create("string:///" + name.replace('.', '/') + JavaFileObject.Kind.SOURCE.extension), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        }));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            // java.class.path may be surefire's manifest-only jar: javac follows its Class-Path like the JVM does.
            List<String> options = List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path"),
                    "--release", "21", "-proc:none");
            boolean ok = javac.getTask(null, files, diagnostics, options, null, units).call();
            if (!ok) {
                throw new IllegalStateException("plugin sources do not compile:\n" + diagnostics.getDiagnostics().stream()
                        .map(Object::toString).collect(Collectors.joining("\n")));
            }
        }
    }

    private static void put(JarOutputStream j, String name, byte[] bytes) throws IOException {
        j.putNextEntry(new JarEntry(name));
        j.write(bytes);
        j.closeEntry();
    }
}
