package dev.distillery.judges.verify.code;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs untrusted Java answers against test cases in a child JVM. Layers, in order:
 * <ol>
 *   <li>compile in this JVM ({@code javax.tools}) against nothing but the JDK;</li>
 *   <li>check every produced class file against {@link BytecodePolicy} (no files, sockets, processes, threads,
 *       reflection, class loading), rejecting with the forbidden reference named;</li>
 *   <li>run the precompiled {@link SandboxDriver} in a child JVM with {@code -Xmx}, one processor, an empty
 *       environment and a fresh temporary working directory (deleted afterwards), killed with its process tree at
 *       the wall-clock limit;</li>
 *   <li>where the kernel lets an unprivileged user do it ({@code unshare -rn}), inside a new user and network
 *       namespace whose only interface, loopback, is down, so that even code that slipped past the policy has no
 *       network.</li>
 * </ol>
 *
 * <pre>{@code
 * JavaSandbox sandbox = JavaSandbox.builder().memoryMb(64).timeLimit(Duration.ofSeconds(5)).build();
 * SandboxResult result = sandbox.run(source, TestSpec.parse(specJson));
 * }</pre>
 */
public final class JavaSandbox {

    /** Whether the child runs in its own network namespace. */
    public enum NetworkIsolation {
        /** Use {@code unshare -rn} when this machine allows it, else run without (the bytecode policy still applies). */
        AUTO,
        /** Refuse to run when {@code unshare -rn} is not available. */
        REQUIRED,
        /** Never use a namespace. */
        OFF
    }

    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^\\s*public\\s+(?:(?:final|abstract|sealed|strictfp)\\s+)*(?:class|record|interface|enum)\\s+(\\w+)");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The exit status of HotSpot's -XX:+ExitOnOutOfMemoryError. */
    private static final int OOM_EXIT = 3;

    private final int memoryMb;
    private final Duration timeLimit;
    private final NetworkIsolation network;
    private final double tolerance;
    private final int maxOutputBytes;
    private final BytecodePolicy policy;
    private final int maxSourceChars;

    private JavaSandbox(Builder b) {
        this.maxSourceChars = b.maxSourceChars;
        this.memoryMb = b.memoryMb;
        this.timeLimit = b.timeLimit;
        this.network = b.network;
        this.tolerance = b.tolerance;
        this.maxOutputBytes = b.maxOutputBytes;
        this.policy = b.policy;
        if (network == NetworkIsolation.REQUIRED && !NamespaceSupport.available()) {
            throw new IllegalStateException("network isolation is REQUIRED but 'unshare -rn' does not work here: "
                    + NamespaceSupport.detail());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public int memoryMb() {
        return memoryMb;
    }

    public Duration timeLimit() {
        return timeLimit;
    }

    /** Whether runs of this sandbox get their own network namespace. */
    public boolean isolatesNetwork() {
        return network != NetworkIsolation.OFF && NamespaceSupport.available();
    }

    /** Compiles, checks and runs {@code source} against every case of {@code spec}; never throws for bad candidates. */
    public SandboxResult run(String source, TestSpec spec) {
        // javac runs in this JVM without a time limit; a size cap keeps pathological sources from tying it up.
        if (source.length() > maxSourceChars) {
            return new SandboxResult.Rejected(SandboxResult.Stage.COMPILE, "source has " + source.length()
                    + " characters, more than the limit of " + maxSourceChars);
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("distillery-sandbox-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the sandbox's temporary directory", e);
        }
        try {
            return runIn(dir, source, spec);
        } finally {
            deleteTree(dir);
        }
    }

    private SandboxResult runIn(Path dir, String source, TestSpec spec) {
        Path src = dir.resolve("src");
        Path classes = dir.resolve("classes");
        Path work = dir.resolve("work");
        String publicType = first(PUBLIC_TYPE, source);
        String fileName = (publicType != null ? publicType : spec.className() != null ? spec.className() : "Solution") + ".java";
        try {
            Files.createDirectories(src);
            Files.createDirectories(classes);
            Files.createDirectories(work);
            Files.writeString(src.resolve(fileName), source, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The (still empty) output directory as class path: an empty -classpath would mean the current directory.
        String errors = compile(List.of(src.resolve(fileName)), classes, classes);
        if (errors != null) return new SandboxResult.Rejected(SandboxResult.Stage.COMPILE, errors);

        Map<String, ClassFileInfo> infos = new HashMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                ClassFileInfo info = ClassFileInfo.read(Files.readAllBytes(p));
                infos.put(info.name(), info);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            return new SandboxResult.Rejected(SandboxResult.Stage.BYTECODE, e.getMessage());
        }
        Set<String> own = new HashSet<>(infos.keySet());
        for (ClassFileInfo info : infos.values().stream().sorted(Comparator.comparing(ClassFileInfo::name)).toList()) {
            String why = policy.violation(info, own);
            if (why != null) return new SandboxResult.Rejected(SandboxResult.Stage.BYTECODE, why.replace('/', '.'));
        }

        // Pick the method: top-level classes only, by name and by the number of arguments the cases pass.
        int arity = spec.cases().getFirst().arguments().size();
        List<String> owners = new ArrayList<>();
        List<ClassFileInfo.Method> methods = new ArrayList<>();
        for (ClassFileInfo info : infos.values()) {
            String simple = info.name().substring(info.name().lastIndexOf('/') + 1);
            if (simple.contains("$") || (spec.className() != null && !simple.equals(spec.className()))) continue;
            for (ClassFileInfo.Method m : info.methods()) {
                if (m.name().equals(spec.method()) && !m.isSynthetic()
                        && SignatureCheck.parameters(m.descriptor()).size() == arity) {
                    owners.add(info.name());
                    methods.add(m);
                }
            }
        }
        String where = spec.className() != null ? "class " + spec.className() : "any top-level class";
        if (methods.isEmpty()) {
            return new SandboxResult.Rejected(SandboxResult.Stage.METHOD, "no method '" + spec.method() + "' taking "
                    + arity + " argument(s) in " + where);
        }
        if (methods.size() > 1) {
            return new SandboxResult.Rejected(SandboxResult.Stage.METHOD, methods.size() + " methods '" + spec.method()
                    + "' with " + arity + " parameter(s) in " + where + "; name the class or keep one");
        }
        ClassFileInfo.Method method = methods.getFirst();
        String owner = owners.getFirst();
        if (method.isPrivate()) return new SandboxResult.Rejected(SandboxResult.Stage.METHOD, "method '" + method.name() + "' is private");
        if (method.descriptor().endsWith(")V")) {
            return new SandboxResult.Rejected(SandboxResult.Stage.METHOD, "method '" + method.name() + "' returns void; it must return the answer");
        }
        String target = owner.substring(owner.lastIndexOf('/') + 1);
        try {
            SignatureCheck.check(target, method, spec.cases());
        } catch (IllegalArgumentException e) {
            return new SandboxResult.Rejected(SandboxResult.Stage.ARGUMENTS, e.getMessage());
        }
        Path driverDir = dir.resolve("driver");
        try {
            Path driverClass = driverDir.resolve(SandboxDriver.class.getName().replace('.', '/') + ".class");
            Files.createDirectories(driverClass.getParent());
            try (InputStream in = SandboxDriver.class.getResourceAsStream(SandboxDriver.class.getSimpleName() + ".class")) {
                if (in == null) throw new IllegalStateException("SandboxDriver.class is missing from the class path");
                Files.write(driverClass, in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder job = new StringBuilder();
        job.append(owner.replace('/', '.')).append('\n').append(method.name()).append('\n').append(arity).append('\n');
        for (TestCase c : spec.cases()) job.append(c.arguments().toString()).append('\n');
        return execute(work, driverDir, classes, job.toString(), spec);
    }

    private SandboxResult execute(Path work, Path driverDir, Path classes, String job, TestSpec spec) {
        String tag = "@" + HexFormat.of().formatHex(bytes(8));
        List<String> cmd = new ArrayList<>();
        boolean isolated = isolatesNetwork();
        if (isolated) cmd.addAll(List.of("unshare", "-rn"));
        cmd.addAll(List.of(javaBinary(), "-Xmx" + memoryMb + "m", "-Xms8m", "-XX:MaxMetaspaceSize=64m",
                "-XX:ActiveProcessorCount=1", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-XX:+ExitOnOutOfMemoryError", "-XX:+DisableAttachMechanism", "-Xshare:auto",
                "-Djava.io.tmpdir=" + work, "-Duser.home=" + work, "-Dstdout.encoding=UTF-8",
                // The driver's directory first, so a candidate class of the same name cannot stand in for it.
                "-cp", driverDir + java.io.File.pathSeparator + classes, SandboxDriver.class.getName(), tag));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        // An empty environment: API keys in this process's environment are none of the candidate's business.
        pb.environment().clear();
        pb.environment().put("LANG", "C.UTF-8");
        long start = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the child JVM: " + String.join(" ", cmd), e);
        }
        // The job goes in on stdin from its own thread: a child that dies early must not block us on a full pipe.
        Thread.ofVirtual().start(() -> {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(job.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // The child is gone; its exit status and stderr tell why.
            }
        });
        BoundedReader out = new BoundedReader(process.getInputStream(), maxOutputBytes);
        BoundedReader err = new BoundedReader(process.getErrorStream(), maxOutputBytes);
        boolean finished;
        try {
            finished = process.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running a candidate", e);
        }
        if (!finished) killTree(process);
        long millis = (System.nanoTime() - start) / 1_000_000;
        String stdout = out.text();
        String stderr = err.text();
        int exit = finished ? process.exitValue() : -1;

        List<SandboxResult.CaseOutcome> outcomes = new ArrayList<>();
        int running = -1;
        boolean done = false;
        for (String line : stdout.split("\n")) {
            if (!line.startsWith(tag + " ")) continue;
            String[] parts = line.substring(tag.length() + 1).split(" ", 3);
            switch (parts[0]) {
                case "START" -> running = Integer.parseInt(parts[1]);
                case "OK" -> {
                    int i = Integer.parseInt(parts[1]);
                    String actual = parts.length > 2 ? parts[2] : "";
                    boolean ok = matches(actual, spec.cases().get(i).expected());
                    outcomes.add(new SandboxResult.CaseOutcome(i, ok ? SandboxResult.CaseStatus.PASSED
                            : SandboxResult.CaseStatus.WRONG_ANSWER, actual));
                    running = -1;
                }
                case "EXC" -> {
                    outcomes.add(new SandboxResult.CaseOutcome(Integer.parseInt(parts[1]), SandboxResult.CaseStatus.EXCEPTION,
                            parts.length > 2 ? parts[2] : ""));
                    running = -1;
                }
                case "BADARG" -> {
                    outcomes.add(new SandboxResult.CaseOutcome(Integer.parseInt(parts[1]), SandboxResult.CaseStatus.BAD_INPUT,
                            parts.length > 2 ? parts[2] : ""));
                    running = -1;
                }
                case "DONE" -> done = true;
                default -> {
                }
            }
        }
        SandboxResult.Termination termination;
        String detail;
        if (!finished) {
            termination = SandboxResult.Termination.TIMED_OUT;
            detail = "killed at the time limit of " + timeLimit.toMillis() + " ms";
        } else if (exit == OOM_EXIT || stderr.contains("OutOfMemoryError")) {
            // -XX:+ExitOnOutOfMemoryError exits with 3 and prints its reason on stdout; the candidate cannot exit.
            termination = SandboxResult.Termination.OUT_OF_MEMORY;
            String reason = stdout.lines().filter(l -> l.contains("OutOfMemoryError")).findFirst().orElse(lastLine(stderr));
            detail = "exceeded the memory limit of " + memoryMb + " MB (" + reason.strip() + ")";
        } else if (!done || exit != 0) {
            termination = SandboxResult.Termination.CRASHED;
            detail = "child JVM exited with code " + exit + (stderr.isBlank() ? "" : ": " + lastLine(stderr));
        } else {
            termination = SandboxResult.Termination.COMPLETED;
            detail = "";
        }
        if (running >= 0) outcomes.add(new SandboxResult.CaseOutcome(running, SandboxResult.CaseStatus.KILLED, null));
        for (int i = outcomes.size(); i < spec.cases().size(); i++) {
            outcomes.add(new SandboxResult.CaseOutcome(i, SandboxResult.CaseStatus.NOT_RUN, null));
        }
        return new SandboxResult.Ran(outcomes, termination, detail, millis, isolated);
    }

    /** JSON equality with numbers by value; non-integers within the relative/absolute tolerance. */
    private boolean matches(String actualJson, JsonNode expected) {
        JsonNode actual;
        try {
            actual = Json.MAPPER.readTree(actualJson);
        } catch (JsonProcessingException e) {
            return false;
        }
        return same(actual, expected);
    }

    private boolean same(JsonNode a, JsonNode e) {
        if (a.isNumber() && e.isNumber()) {
            if (a.isIntegralNumber() && e.isIntegralNumber()) return a.bigIntegerValue().equals(e.bigIntegerValue());
            double x = a.asDouble();
            double y = e.asDouble();
            return Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(y));
        }
        if (a.isArray() && e.isArray()) {
            if (a.size() != e.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!same(a.get(i), e.get(i))) return false;
            return true;
        }
        if (a.isObject() && e.isObject()) {
            if (a.size() != e.size()) return false;
            for (var it = e.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!a.has(k) || !same(a.get(k), e.get(k))) return false;
            }
            return true;
        }
        return a.equals(e);
    }

    /** Compiles against {@code classPath} only; null on success, else the first errors with their lines. */
    private static String compile(List<Path> sources, Path out, Path classPath) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) throw new IllegalStateException("no Java compiler in this runtime (a JDK is required, not a JRE)");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", out.toString(), "-classpath", classPath.toString(),
                    "-sourcepath", "", "-implicit:none", "-proc:none", "-nowarn", "-Xlint:none", "-encoding", "UTF-8");
            boolean ok = javac.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            if (ok) return null;
            List<String> messages = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR && messages.size() < 5) {
                    messages.add("line " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT).lines().findFirst().orElse(""));
                }
            }
            return messages.isEmpty() ? "compilation failed" : String.join("; ", messages);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaBinary() {
        // The running JVM's own launcher, so the child has the same version and flags semantics.
        return ProcessHandle.current().info().command()
                .filter(c -> c.endsWith("java"))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            System.getLogger(JavaSandbox.class.getName()).log(System.Logger.Level.WARNING,
                    "could not delete sandbox directory " + dir + ": " + e);
        }
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static String lastLine(String text) {
        List<String> lines = text.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.getLast();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Drains a stream on its own thread, keeping at most {@code limit} bytes, so a chatty child cannot block or flood us. */
    private static final class BoundedReader {
        private final Thread thread;
        private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();

        BoundedReader(InputStream in, int limit) {
            thread = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        synchronized (kept) {
                            int room = limit - kept.size();
                            if (room > 0) kept.write(buf, 0, Math.min(room, n));
                        }
                    }
                } catch (IOException ignored) {
                    // The process was killed; what was read so far is all there is.
                }
            });
        }

        String text() {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /**
     * Settings for {@link JavaSandbox}; defaults: 64 MB heap, 10 s, network isolation AUTO, tolerance 1e-9, sources up
     * to 100,000 characters, 1 MiB of child output kept.
     */
    public static final class Builder {
        private int memoryMb = 64;
        private Duration timeLimit = Duration.ofSeconds(10);
        private NetworkIsolation network = NetworkIsolation.AUTO;
        private double tolerance = 1e-9;
        private int maxOutputBytes = 1 << 20;
        private BytecodePolicy policy = BytecodePolicy.DEFAULT;
        private int maxSourceChars = 100_000;

        private Builder() {
        }

        /** Longer sources are rejected before compiling. */
        public Builder maxSourceChars(int maxSourceChars) {
            this.maxSourceChars = maxSourceChars;
            return this;
        }

        /** Maximum heap of the child JVM ({@code -Xmx}), at least 16. */
        public Builder memoryMb(int memoryMb) {
            if (memoryMb < 16) throw new IllegalArgumentException("memoryMb must be >= 16, got " + memoryMb);
            this.memoryMb = memoryMb;
            return this;
        }

        /** Wall-clock limit for the child JVM, start-up included (about 0.3-1 s of it). */
        public Builder timeLimit(Duration timeLimit) {
            if (timeLimit.isNegative() || timeLimit.isZero()) throw new IllegalArgumentException("timeLimit must be positive");
            this.timeLimit = timeLimit;
            return this;
        }

        public Builder network(NetworkIsolation network) {
            this.network = network;
            return this;
        }

        /** Relative (and, below 1, absolute) tolerance for non-integer results. */
        public Builder tolerance(double tolerance) {
            if (tolerance < 0) throw new IllegalArgumentException("tolerance must be >= 0");
            this.tolerance = tolerance;
            return this;
        }

        /** How much of the child's stdout/stderr is kept. */
        public Builder maxOutputBytes(int maxOutputBytes) {
            this.maxOutputBytes = maxOutputBytes;
            return this;
        }

        /** Package-private: only tests replace the policy, to check the other layers alone. */
        Builder policy(BytecodePolicy policy) {
            this.policy = policy;
            return this;
        }

        public JavaSandbox build() {
            return new JavaSandbox(this);
        }
    }
}
