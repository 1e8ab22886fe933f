package dev.distillery.judges.verify.code;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The allowlist that candidate bytecode must pass before it is run: every class it names and every member it touches
 * must be pure computation (core {@code java.lang} types, {@code java.util} collections, streams, regex,
 * {@code java.math}, {@code java.text}, {@code java.time}). Files, sockets, processes, threads, class loading,
 * reflection and method handles are out of reach because the classes that do them cannot be named.
 *
 * <p>Why an allowlist on bytecode: the SecurityManager is gone (JDK 24+), and a denylist would miss the next
 * door. What javac itself needs is allowed narrowly: the {@code invokedynamic} bootstraps of lambdas, string
 * concatenation, records and pattern switches are allowed as method references, while the method-handle types they
 * mention can be named but none of their members called.
 *
 * <pre>{@code String why = BytecodePolicy.DEFAULT.violation(info, ownClasses);  // null when allowed}</pre>
 */
public final class BytecodePolicy {

    /** The policy every {@link JavaSandbox} uses unless given another. */
    public static final BytecodePolicy DEFAULT = new BytecodePolicy();

    private static final List<String> ALLOWED_PACKAGES = List.of(
            "java/util/", "java/math/", "java/text/", "java/time/");
    /** Inside the allowed packages, these can reach files, threads, class loading or global state. */
    private static final List<String> DENIED_PREFIXES = List.of(
            "java/util/concurrent/", "java/util/logging/", "java/util/prefs/", "java/util/jar/", "java/util/zip/",
            "java/util/spi/", "java/util/ServiceLoader", "java/util/ResourceBundle", "java/util/PropertyResourceBundle",
            "java/util/ListResourceBundle", "java/util/Timer", "java/util/Formatter", "java/time/zone/",
            "java/text/spi/");
    /** Concurrency utilities that are plain data structures (no threads of their own). */
    private static final Set<String> ALLOWED_CONCURRENT = Set.of(
            "java/util/concurrent/ConcurrentHashMap", "java/util/concurrent/ConcurrentMap",
            "java/util/concurrent/ConcurrentLinkedQueue", "java/util/concurrent/ConcurrentLinkedDeque",
            "java/util/concurrent/ConcurrentSkipListMap", "java/util/concurrent/ConcurrentSkipListSet",
            "java/util/concurrent/CopyOnWriteArrayList", "java/util/concurrent/ThreadLocalRandom",
            "java/util/concurrent/atomic/AtomicInteger", "java/util/concurrent/atomic/AtomicLong",
            "java/util/concurrent/atomic/AtomicBoolean", "java/util/concurrent/atomic/AtomicReference",
            "java/util/concurrent/atomic/AtomicIntegerArray", "java/util/concurrent/atomic/AtomicLongArray",
            "java/util/concurrent/atomic/LongAdder", "java/util/concurrent/TimeUnit");
    private static final Set<String> ALLOWED_LANG = Set.of(
            "Object", "String", "StringBuilder", "StringBuffer", "CharSequence", "Math", "StrictMath", "Number",
            "Integer", "Long", "Short", "Byte", "Double", "Float", "Boolean", "Character", "Character$UnicodeBlock",
            "Character$UnicodeScript", "Character$Subset", "Void", "Comparable", "Iterable", "AutoCloseable",
            "Cloneable", "Runnable", "Appendable", "Readable", "Enum", "Record", "System", "Class", "Override",
            "FunctionalInterface", "SafeVarargs", "Deprecated", "SuppressWarnings", "Throwable", "StackTraceElement");
    /** Types javac's invokedynamic bootstraps mention; nameable, but their members are not callable. */
    private static final Set<String> BOOTSTRAP_TYPES = Set.of(
            "java/lang/invoke/LambdaMetafactory", "java/lang/invoke/StringConcatFactory", "java/lang/invoke/MethodHandles",
            "java/lang/invoke/MethodHandles$Lookup", "java/lang/invoke/MethodHandle", "java/lang/invoke/MethodType",
            "java/lang/invoke/CallSite", "java/lang/invoke/TypeDescriptor", "java/lang/invoke/TypeDescriptor$OfField",
            "java/lang/runtime/ObjectMethods", "java/lang/runtime/SwitchBootstraps", "java/io/Serializable",
            "java/io/PrintStream", "java/io/IOException", "java/io/UncheckedIOException");
    /** The only bootstrap methods a constant pool may reference. */
    private static final Map<String, Set<String>> BOOTSTRAP_METHODS = Map.of(
            "java/lang/invoke/LambdaMetafactory", Set.of("metafactory", "altMetafactory"),
            "java/lang/invoke/StringConcatFactory", Set.of("makeConcatWithConstants", "makeConcat"),
            "java/lang/runtime/ObjectMethods", Set.of("bootstrap"),
            "java/lang/runtime/SwitchBootstraps", Set.of("typeSwitch", "enumSwitch"));
    /** Allowed classes with dangerous members: only these members may be referenced. */
    private static final Map<String, Set<String>> RESTRICTED_MEMBERS = Map.of(
            "java/lang/System", Set.of("out", "err", "arraycopy", "nanoTime", "currentTimeMillis", "identityHashCode",
                    "lineSeparator"),
            "java/lang/Class", Set.of("desiredAssertionStatus", "getName", "getSimpleName", "isInstance", "cast"),
            "java/io/PrintStream", Set.of("print", "println", "printf", "format", "flush", "append", "write",
                    "checkError"));

    private final boolean enforcing;

    private BytecodePolicy() {
        this(true);
    }

    private BytecodePolicy(boolean enforcing) {
        this.enforcing = enforcing;
    }

    /**
     * A policy that allows everything, so that tests can show what the other layers (namespace, limits) stop on
     * their own. Never used outside tests.
     */
    static BytecodePolicy allowingEverything() {
        return new BytecodePolicy(false);
    }

    /**
     * Why this class may not run, naming the first forbidden reference; null when every reference is allowed.
     *
     * @param own the internal names of the classes compiled from the candidate, which may reference each other
     */
    public String violation(ClassFileInfo info, Set<String> own) {
        if (!enforcing) return null;
        for (String ref : info.classRefs()) {
            String why = typeViolation(ref, own);
            if (why != null) return info.name() + " references " + why;
        }
        for (String d : info.descriptors()) {
            for (String c : ClassFileInfo.classesIn(d)) {
                String why = typeViolation(c, own);
                if (why != null) return info.name() + " mentions " + why + " in descriptor " + d;
            }
        }
        for (ClassFileInfo.MemberRef m : info.memberRefs()) {
            String why = memberViolation(m, own);
            if (why != null) return info.name() + " calls " + why;
            for (String c : ClassFileInfo.classesIn(m.descriptor())) {
                String t = typeViolation(c, own);
                if (t != null) return info.name() + " mentions " + t + " via " + display(m);
            }
        }
        return null;
    }

    private static String typeViolation(String ref, Set<String> own) {
        String name = ref;
        if (name.startsWith("[")) {
            List<String> inside = ClassFileInfo.classesIn(name);
            if (inside.isEmpty()) return null; // array of primitives
            name = inside.getFirst();
        }
        if (own.contains(name) || allowedType(name)) return null;
        return "forbidden class " + name.replace('/', '.');
    }

    static boolean allowedType(String name) {
        if (BOOTSTRAP_TYPES.contains(name) || ALLOWED_CONCURRENT.contains(name)) return true;
        if (name.startsWith("java/lang/") && name.indexOf('/', "java/lang/".length()) < 0) {
            String simple = name.substring("java/lang/".length());
            if (ALLOWED_LANG.contains(simple)) return true;
            // Exception and error types only carry data; throwing or catching them reaches nothing.
            return !simple.contains("$") && (simple.endsWith("Exception") || simple.endsWith("Error"))
                    && !simple.equals("ThreadDeath");
        }
        for (String denied : DENIED_PREFIXES) if (name.startsWith(denied)) return false;
        for (String allowed : ALLOWED_PACKAGES) if (name.startsWith(allowed)) return true;
        return false;
    }

    private static String memberViolation(ClassFileInfo.MemberRef m, Set<String> own) {
        String owner = m.owner();
        if (owner.startsWith("[") || own.contains(owner)) return null; // array clone()/length, or the candidate's own
        Set<String> bootstrap = BOOTSTRAP_METHODS.get(owner);
        if (bootstrap != null) return bootstrap.contains(m.name()) ? null : "forbidden method " + display(m);
        if (owner.startsWith("java/lang/invoke/") || owner.startsWith("java/lang/runtime/")) {
            return "forbidden method " + display(m) + " (method handles are not allowed)";
        }
        Set<String> restricted = RESTRICTED_MEMBERS.get(owner);
        if (restricted != null && !restricted.contains(m.name())) return "forbidden member " + display(m);
        return null;
    }

    private static String display(ClassFileInfo.MemberRef m) {
        return m.owner().replace('/', '.') + "." + m.name();
    }
}
