package dev.distillery.datasets.spi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A directory of plugin jars ({@code --plugins DIR}), loaded through one class loader of its own whose parent is the
 * application's, so that plugins see Distillery's SPIs and the built-ins see nothing of the plugins.
 *
 * <p><b>Reload.</b> {@link #refresh()} compares every jar's size and modification time with those it loaded; when a
 * jar was added, removed or rebuilt it builds a fresh class loader over the directory, and every later
 * {@link Plugins#load} returns providers from the new jars. Objects already handed out keep their old classes (a
 * running stage finishes with the flow it started with); the old loader is not closed for that reason. The loader
 * reads private copies of the jars (in the temporary directory, removed at exit), so that a jar rebuilt in place
 * never mixes its new content into the classes and templates of the version already loaded.
 *
 * <p>A jar that cannot be read, or a provider in it that cannot be loaded, is skipped with a warning naming the jar;
 * the other jars still load.
 *
 * <pre>{@code
 * Plugins.use(PluginFolder.open(Path.of("plugins")));
 * Plugins.refresh();   // at the start of each run: picks up rebuilt jars
 * }</pre>
 */
public final class PluginFolder {

    /** The class loader of one generation of the directory's jars; its type marks classes as plugins-dir classes. */
    static final class FolderLoader extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        /** Each private copy this loader reads, mapped to the user's jar it was copied from. */
        private final Map<Path, Path> originals;

        FolderLoader(Path dir, Map<Path, Path> originals, ClassLoader parent) {
            super("plugins:" + dir, originals.keySet().stream().map(PluginFolder::url).toArray(URL[]::new), parent);
            this.originals = Map.copyOf(originals);
        }

        /** The user's jar behind {@code copy}, or {@code copy} itself. */
        Path original(Path copy) {
            return originals.getOrDefault(copy, copy);
        }
    }

    /** What one load of the directory found: its jars (with their stamps), its loader and what went wrong. */
    private record Snapshot(Map<Path, Stamp> stamps, List<Path> jars, FolderLoader loader, List<String> warnings,
                            Set<String> logged, Map<String, List<Listed>> listed) {
    }

    /** A provider class a jar's services file names. */
    private record Listed(String jar, String className) {
    }

    /** Enough to notice a rebuilt jar without reading it: build tools rewrite the file, changing size or time. */
    private record Stamp(long size, FileTime modified) {
    }

    private final Path dir;
    private final ClassLoader parent;
    /** Where each load's private copies of the jars live (see {@link #scan()}); removed when the JVM exits. */
    private Path copies;
    private volatile Snapshot current;
    private volatile long reloads;

    private PluginFolder(Path dir, ClassLoader parent) {
        this.dir = dir;
        this.parent = parent;
        this.current = scan();
    }

    /**
     * Loads every {@code *.jar} in {@code dir}, with the context class loader (or this class's) as parent.
     *
     * @throws IllegalArgumentException naming {@code dir} when it does not exist or is not a directory
     */
    public static PluginFolder open(Path dir) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return open(dir, context != null ? context : PluginFolder.class.getClassLoader());
    }

    /** Loads every {@code *.jar} in {@code dir} with {@code parent} as the plugins' parent loader. */
    public static PluginFolder open(Path dir, ClassLoader parent) {
        if (dir == null) throw new IllegalArgumentException("plugins directory: none given");
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.exists(abs)) throw new IllegalArgumentException("plugins directory " + dir + " does not exist");
        if (!Files.isDirectory(abs)) throw new IllegalArgumentException("plugins directory " + dir + " is not a directory");
        return new PluginFolder(abs, parent);
    }

    /** The directory, absolute. */
    public Path dir() {
        return dir;
    }

    /** The jars currently loaded, sorted by name (unreadable ones are left out; see {@link #warnings()}). */
    public List<Path> jars() {
        return current.jars();
    }

    /** What was skipped in the current load: unreadable jars and providers that failed, each naming its jar. */
    public List<String> warnings() {
        return List.copyOf(current.warnings());
    }

    /** How many times the directory was reloaded since it was opened. */
    public long reloads() {
        return reloads;
    }

    /**
     * Reloads the directory when a jar was added, removed or changed since the last load.
     *
     * @return true when it reloaded (later lookups see the new jars)
     */
    public synchronized boolean refresh() {
        if (stamps().equals(current.stamps())) return false;
        reloads++;
        current = scan();
        return true;
    }

    /** The class loader of the current jars (a fresh one after each reload). */
    ClassLoader loader() {
        return current.loader();
    }

    /** Whether {@code c} was defined by a loader of this kind of folder (any generation). */
    static boolean isPluginClass(Class<?> c) {
        return c.getClassLoader() instanceof FolderLoader;
    }

    /** The user's jar a plugins-dir class was read from (not the private copy), or null. */
    static Path jarOf(Class<?> c) {
        Path copy = PluginOrigin.codeLocation(c);
        return c.getClassLoader() instanceof FolderLoader f && copy != null ? f.original(copy) : copy;
    }

    /**
     * A fresh instance of every {@code spi} provider the directory's jars register in
     * {@code META-INF/services}, in jar order. Only the directory's own jars are read: providers of the parent
     * (the built-ins) come from {@link Plugins#load}'s other loaders.
     */
    <T> List<T> providers(Class<T> spi) {
        Snapshot s = current;
        List<T> found = new ArrayList<>();
        // The copies a snapshot reads never change, so their services files are read once per load, not per lookup
        // (reading them costs more than the built-ins' whole ServiceLoader pass; see PluginsBench).
        for (Listed l : s.listed().computeIfAbsent(spi.getName(), k -> list(s, spi))) {
            T provider = instantiate(s, spi, l.className(), l.jar());
            if (provider != null) found.add(provider);
        }
        return found;
    }

    private List<Listed> list(Snapshot s, Class<?> spi) {
        List<Listed> listed = new ArrayList<>();
        Enumeration<URL> files;
        try {
            files = s.loader().findResources("META-INF/services/" + spi.getName());
        } catch (IOException e) {
            warn(s, "plugins directory " + dir + ": cannot list " + spi.getSimpleName() + " providers: " + e.getMessage());
            return List.of();
        }
        for (URL file : Collections.list(files)) {
            String jar = jarOf(s.loader(), file);
            for (String className : providerNames(s, file, jar)) listed.add(new Listed(jar, className));
        }
        return List.copyOf(listed);
    }

    private <T> T instantiate(Snapshot s, Class<T> spi, String className, String jar) {
        try {
            Class<?> c = Class.forName(className, true, s.loader());
            if (!spi.isAssignableFrom(c)) {
                warn(s, jar + ": " + className + " is listed as a " + spi.getSimpleName() + " but does not implement "
                        + spi.getName() + " (a jar built against another Distillery, or its own copy of the SPI?)");
                return null;
            }
            return spi.cast(c.getConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null
                    ? ite.getCause() : e;
            warn(s, jar + ": skipping " + spi.getSimpleName() + " provider " + className + ": " + cause);
            return null;
        }
    }

    /** The class names a services file lists ('#' starts a comment), read without the JDK's jar cache. */
    private List<String> providerNames(Snapshot s, URL file, String jar) {
        List<String> names = new ArrayList<>();
        try {
            URLConnection c = file.openConnection();
            // Not through the JDK's shared JarFile cache: it would hold every generation's copy open for good.
            c.setUseCaches(false);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    int hash = line.indexOf('#');
                    String name = (hash >= 0 ? line.substring(0, hash) : line).strip();
                    if (!name.isEmpty()) names.add(name);
                }
            }
        } catch (IOException e) {
            warn(s, jar + ": cannot read " + file.getPath().substring(file.getPath().indexOf("!/") + 2) + ": " + e.getMessage());
        }
        return names;
    }

    /** The user's jar a {@code jar:file:...!/path} URL of {@code loader} points into, as a path for messages. */
    private static String jarOf(FolderLoader loader, URL url) {
        try {
            URLConnection c = url.openConnection();
            if (c instanceof JarURLConnection j) return loader.original(Path.of(j.getJarFileURL().toURI())).toString();
        } catch (IOException | java.net.URISyntaxException | IllegalArgumentException e) {
            // fall through to the URL itself
        }
        return url.toString();
    }

    private void warn(Snapshot s, String message) {
        // Lookups repeat (every registry call reads the services files again): say each problem once per load.
        if (s.logged().add(message)) {
            s.warnings().add(message);
            System.getLogger(PluginFolder.class.getName()).log(System.Logger.Level.WARNING, message);
        }
    }

    private Map<Path, Stamp> stamps() {
        Map<Path, Stamp> out = new LinkedHashMap<>();
        for (Path jar : listJars()) {
            try {
                out.put(jar, new Stamp(Files.size(jar), Files.getLastModifiedTime(jar)));
            } catch (IOException e) {
                // A jar removed between the listing and the stat is simply gone.
            }
        }
        return out;
    }

    private List<Path> listJars() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("plugins directory " + dir + ": cannot list it: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the directory as it is now. Each jar is copied first and the loader reads the copy: a class loader reads
     * classes and resources lazily, so reading the user's jar would mix versions once the jar is rebuilt in place
     * (old classes, new templates). The copies of earlier loads are kept for the objects that still use them.
     */
    private Snapshot scan() {
        Map<Path, Stamp> stamps = stamps();
        List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
        Snapshot partial = new Snapshot(stamps, List.of(), null, warnings, ConcurrentHashMap.newKeySet(), Map.of());
        List<Path> readable = new ArrayList<>();
        Map<Path, Path> originals = new LinkedHashMap<>();
        Path generation = copyDirectory();
        for (Path jar : stamps.keySet()) {
            Path copy = generation.resolve(jar.getFileName().toString());
            try {
                Files.copy(jar, copy);
                copy.toFile().deleteOnExit();
                // URLClassLoader skips a broken jar silently; opening it first lets us say which one and why.
                try (JarFile ignored = new JarFile(copy.toFile())) {
                    originals.put(copy, jar);
                    readable.add(jar);
                }
            } catch (IOException e) {
                warn(partial, jar + ": skipped, not a readable jar: " + e.getMessage());
            } catch (SecurityException e) {
                warn(partial, jar + ": skipped, its signature does not verify: " + e.getMessage());
            }
        }
        FolderLoader loader = new FolderLoader(dir, originals, parent);
        return new Snapshot(stamps, List.copyOf(readable), loader, warnings, partial.logged(), new ConcurrentHashMap<>());
    }

    private Path copyDirectory() {
        try {
            if (copies == null) {
                copies = Files.createTempDirectory("distillery-plugins-");
                copies.toFile().deleteOnExit();
            }
            Path generation = copies.resolve(Long.toString(reloads));
            Files.createDirectories(generation);
            // deleteOnExit runs in reverse order of registration: the directory goes after the files in it.
            generation.toFile().deleteOnExit();
            return generation;
        } catch (IOException e) {
            throw new UncheckedIOException("plugins directory " + dir + ": cannot make a private copy of its jars in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }

    private static URL url(Path p) {
        try {
            return p.toUri().toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "plugins directory " + dir + " (" + current.jars().size() + " jars)";
    }
}
