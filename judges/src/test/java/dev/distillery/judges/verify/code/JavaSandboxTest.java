package dev.distillery.judges.verify.code;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JavaSandboxTest {

    private static final JavaSandbox SANDBOX = JavaSandbox.builder().timeLimit(Duration.ofSeconds(20)).build();

    /** Lambdas, streams, records, enums, pattern switch, string concat, collections, printing: all allowed. */
    private static final String RICH_SOLUTION = """
            import java.util.*;
            import java.util.stream.*;

            public class Solution {
                record Pair(int value, String label) {}
                enum Sign { NEG, ZERO, POS }

                static Sign sign(int x) { return x < 0 ? Sign.NEG : x == 0 ? Sign.ZERO : Sign.POS; }

                static String describe(Object o) {
                    return switch (o) {
                        case Integer i when i > 100 -> "big " + i;
                        case Integer i -> "int " + i;
                        case String s -> "text " + s;
                        default -> "other";
                    };
                }

                public static long solve(int[] xs) {
                    Map<Sign, List<Pair>> bySign = new EnumMap<>(Sign.class);
                    for (int x : xs) bySign.computeIfAbsent(sign(x), k -> new ArrayList<>()).add(new Pair(x, "v" + x));
                    System.out.println("debug " + bySign + " " + describe(xs.length) + Arrays.toString(xs));
                    StringBuilder sb = new StringBuilder();
                    sb.append(Math.max(1, 2));
                    assert sb.length() > 0;
                    return IntStream.of(xs).asLongStream().sum() + Stream.of("a", "b").map(String::toUpperCase)
                            .collect(Collectors.joining()).length() - 2;
                }
            }
            """;

    @Test
    void correctCodePassesEveryCase() {
        SandboxResult r = SANDBOX.run(RICH_SOLUTION, TestSpec.parse("""
                {"cases": [{"input": [[1, 2, 3]], "expected": 6}, {"input": [[]], "expected": 0},
                           {"input": [[-5, 2000000000, 2000000000]], "expected": 3999999995}]}"""));
        SandboxResult.Ran ran = assertInstanceOf(SandboxResult.Ran.class, r, r.toString());
        assertTrue(ran.allPassed(), ran.toString());
        assertEquals(3, ran.cases().size());
        // The candidate's println went nowhere near the result channel.
        assertEquals("6", ran.cases().getFirst().actual());
    }

    @Test
    void wrongCodeFailsOnTheFailingCaseAndExceptionsAreReported() {
        String source = """
                class Solution {
                    int solve(String s, int k) {
                        if (k < 0) throw new IllegalArgumentException("negative k");
                        return s.length() > 3 ? s.length() + k : s.length();  // forgets k for short strings
                    }
                }
                """;
        SandboxResult r = SANDBOX.run(source, TestSpec.parse("""
                {"method": "solve", "cases": [{"input": ["hello", 1], "expected": 6}, {"input": ["hi", 1], "expected": 3},
                                              {"input": ["x", -1], "expected": 0}]}"""));
        SandboxResult.Ran ran = assertInstanceOf(SandboxResult.Ran.class, r, r.toString());
        assertEquals(SandboxResult.Termination.COMPLETED, ran.termination());
        assertEquals(List.of(SandboxResult.CaseStatus.PASSED, SandboxResult.CaseStatus.WRONG_ANSWER,
                SandboxResult.CaseStatus.EXCEPTION), ran.cases().stream().map(SandboxResult.CaseOutcome::status).toList());
        assertEquals("2", ran.cases().get(1).actual());
        assertTrue(ran.cases().get(2).actual().contains("negative k"), ran.cases().get(2).actual());
    }

    /**
     * Ordinary competitive-programming Java must not trip the policy. The spec asks for a method that does not exist,
     * so reaching the METHOD stage proves every class passed the bytecode check, without starting a JVM.
     */
    @Test
    void everydayLanguageFeaturesPassTheBytecodeCheck() {
        String source = """
                import java.math.BigInteger;
                import java.util.*;
                import java.util.function.*;
                import java.util.stream.*;

                public class Solution {
                    sealed interface Shape permits Circle, Square {}
                    record Circle(double r) implements Shape {}
                    record Square(double side) implements Shape {}
                    enum Color { RED, GREEN }
                    static class NotFound extends RuntimeException { NotFound(String m) { super(m); } }
                    interface Named { default String name() { return "n"; } }

                    static double area(Shape s) {
                        return switch (s) {
                            case Circle(double r) -> Math.PI * r * r;
                            case Square sq -> sq.side() * sq.side();
                        };
                    }

                    @SafeVarargs
                    static <T extends Comparable<T>> T max(T... xs) {
                        return Arrays.stream(xs).max(Comparator.naturalOrder()).orElseThrow(() -> new NotFound("empty"));
                    }

                    static String run(String word, Color c, List<String> words) throws Exception {
                        String kind = switch (word) { case "a" -> "A"; case "b" -> "B"; default -> "?"; };
                        int code = switch (c) { case RED -> 1; case GREEN -> 2; };
                        Map<Integer, List<String>> byLength = words.stream().collect(Collectors.groupingBy(String::length));
                        PriorityQueue<int[]> pq = new PriorityQueue<>((x, y) -> Integer.compare(x[0], y[0]));
                        pq.add(new int[]{3, 1});
                        Deque<Integer> stack = new ArrayDeque<>();
                        stack.push(1);
                        BigInteger big = BigInteger.valueOf(2).pow(100).mod(BigInteger.TEN);
                        Optional<String> first = words.stream().filter(w -> Character.isUpperCase(w.charAt(0))).findFirst();
                        Runnable r = new Runnable() { public void run() { System.err.println("anon"); } };
                        r.run();
                        Function<Integer, Integer> twice = x -> x * 2;
                        BiFunction<Integer, Integer, Integer> add = Integer::sum;
                        StringBuilder sb = new StringBuilder("x").reverse();
                        outer:
                        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) if (i * j > 1) break outer;
                        assert code > 0 : "positive";
                        try (AutoCloseable ac = () -> {}) {
                            Objects.requireNonNull(ac);
                        } catch (IllegalStateException | ArithmeticException e) {
                            throw new NotFound(e.getMessage());
                        }
                        String text = " multi-line ";
                        Object o = code;
                        if (o instanceof Integer n && n > 0) kind += n;
                        return String.format("%s %d %s %s %s %d %d %s %.2f %s %s %s", kind, code, byLength, pq.peek()[0], big,
                                twice.apply(3), add.apply(1, 2), first.orElse(""), area(new Circle(1)), max(3, 5, 4), sb,
                                text.strip() + new Named() {}.name() + Integer.toBinaryString(5) + Long.MAX_VALUE + Color.valueOf("RED"));
                    }
                }
                """;
        SandboxResult r = SANDBOX.run(source, TestSpec.parse("{\"method\": \"missing\", \"cases\": [{\"input\": [], \"expected\": 0}]}"));
        SandboxResult.Rejected rejected = assertInstanceOf(SandboxResult.Rejected.class, r, r.toString());
        assertEquals(SandboxResult.Stage.METHOD, rejected.stage(), rejected.reason());
    }

    @Test
    void genericCollectionsMapsAndPackagesAreConvertedInTheChild() {
        String source = """
                package com.example.answers;

                import java.util.*;

                class Scorer {
                    long solve(List<Long> xs, Map<String, Integer> weights, Set<String> keys) {
                        long total = 0;
                        for (long x : xs) total += x;
                        for (String k : keys) total += weights.getOrDefault(k, 0);
                        return total;
                    }
                }
                """;
        SandboxResult r = SANDBOX.run(source, TestSpec.parse("""
                {"cases": [
                  {"input": [[1, 2], {"a": 10, "b": 20}, ["a", "a"]], "expected": 13},
                  {"input": [[5000000000], {}, []], "expected": 5000000000},
                  {"input": [[1, "x"], {}, []], "expected": 1}]}"""));
        SandboxResult.Ran ran = assertInstanceOf(SandboxResult.Ran.class, r, r.toString());
        assertEquals(List.of(SandboxResult.CaseStatus.PASSED, SandboxResult.CaseStatus.PASSED, SandboxResult.CaseStatus.BAD_INPUT),
                ran.cases().stream().map(SandboxResult.CaseOutcome::status).toList(), ran.toString());
        assertTrue(ran.cases().get(2).actual().contains("argument 0") && ran.cases().get(2).actual().contains("expected a number"),
                ran.cases().get(2).actual());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "read /etc/hostname with Files | return java.nio.file.Files.readString(java.nio.file.Path.of(\"/etc/hostname\")); | java.nio.file.",
            "read /etc/hostname with a stream | return new String(new java.io.FileInputStream(\"/etc/hostname\").readAllBytes()); | java.io.FileInputStream",
            "read a file with Scanner | return new java.util.Scanner(new java.io.File(\"/etc/hostname\")).next(); | java.io.File",
            "open a socket | new java.net.Socket(\"127.0.0.1\", 80).close(); return \"\"; | java.net.Socket",
            "open a URL | return new java.net.URI(\"http://example.com\").toURL().openStream().toString(); | java.net.URI",
            "start a process | return new ProcessBuilder(\"id\").start().toString(); | java.lang.ProcessBuilder",
            "Runtime.exec | return Runtime.getRuntime().exec(new String[]{\"id\"}).toString(); | java.lang.Runtime",
            "reflection | return Class.forName(\"java.lang.Runtime\").getName(); | java.lang.Class.forName",
            "getMethod on a class | return String.class.getMethods()[0].getName(); | java.lang.reflect.Method",
            "method handles | return java.lang.invoke.MethodHandles.lookup().toString(); | java.lang.invoke.MethodHandles.lookup",
            "a thread | new Thread(() -> {}).start(); return \"\"; | java.lang.Thread",
            "an executor | return java.util.concurrent.Executors.newCachedThreadPool().toString(); | java.util.concurrent.Executors",
            "environment | return System.getenv(\"HOME\"); | java.lang.System.getenv",
            "System.exit | System.exit(0); return \"\"; | java.lang.System.exit",
            "System.setOut | System.setOut(System.err); return \"\"; | java.lang.System.setOut",
            "PrintStream to a file | new java.io.PrintStream(\"/tmp/x\").close(); return \"\"; | java.io.PrintStream.<init>",
            "Formatter to a file | new java.util.Formatter(\"/tmp/x\").close(); return \"\"; | java.util.Formatter",
            "class loader | return Solution.class.getClassLoader().toString(); | java.lang.ClassLoader",
    })
    void forbiddenReferencesAreRejectedBeforeRunning(String what, String body, String named) {
        String source = "public class Solution { public static String solve() throws Exception { " + body + " } }";
        SandboxResult r = SANDBOX.run(source, TestSpec.parse("{\"cases\": [{\"input\": [], \"expected\": \"\"}]}"));
        SandboxResult.Rejected rejected = assertInstanceOf(SandboxResult.Rejected.class, r, what + ": " + r);
        assertEquals(SandboxResult.Stage.BYTECODE, rejected.stage(), rejected.reason());
        assertTrue(rejected.reason().contains(named), what + ": " + rejected.reason());
    }

    @Test
    void anInfiniteLoopIsKilledAtTheTimeLimit() {
        JavaSandbox sandbox = JavaSandbox.builder().timeLimit(Duration.ofMillis(2500)).build();
        SandboxResult r = sandbox.run("class Solution { static int solve(int x) { while (x >= 0) { x = (x + 1) % 7; } return x; } }",
                TestSpec.parse("{\"cases\": [{\"input\": [1], \"expected\": 1}, {\"input\": [2], \"expected\": 2}]}"));
        SandboxResult.Ran ran = assertInstanceOf(SandboxResult.Ran.class, r, r.toString());
        assertEquals(SandboxResult.Termination.TIMED_OUT, ran.termination());
        assertTrue(ran.millis() >= 2500 && ran.millis() < 2500 + 5000, "ran " + ran.millis() + " ms");
        assertEquals(SandboxResult.CaseStatus.KILLED, ran.cases().get(0).status());
        assertEquals(SandboxResult.CaseStatus.NOT_RUN, ran.cases().get(1).status());
    }

    @Test
    void allocatingAGigabyteFailsAtTheMemoryLimit() {
        SandboxResult r = SANDBOX.run("class Solution { static int solve(int n) { long[] big = new long[n]; return big.length; } }",
                TestSpec.parse("{\"cases\": [{\"input\": [1000], \"expected\": 1000}, {\"input\": [134217728], \"expected\": 134217728}]}"));
        SandboxResult.Ran ran = assertInstanceOf(SandboxResult.Ran.class, r, r.toString());
        assertEquals(SandboxResult.Termination.OUT_OF_MEMORY, ran.termination(), ran.detail());
        assertEquals(SandboxResult.CaseStatus.PASSED, ran.cases().get(0).status());
        assertEquals(SandboxResult.CaseStatus.KILLED, ran.cases().get(1).status());
        assertTrue(ran.detail().contains("64 MB") && ran.detail().contains("OutOfMemoryError"), ran.detail());
    }

    @Test
    void compileErrorsAndMissingMethodsAreRejectedWithTheReason() {
        SandboxResult broken = SANDBOX.run("class Solution { int solve(int x) { return y; } }",
                TestSpec.parse("{\"cases\": [{\"input\": [1], \"expected\": 1}]}"));
        SandboxResult.Rejected r1 = assertInstanceOf(SandboxResult.Rejected.class, broken);
        assertEquals(SandboxResult.Stage.COMPILE, r1.stage());
        assertTrue(r1.reason().contains("line 1") && r1.reason().contains("symbol"), r1.reason());

        SandboxResult missing = SANDBOX.run("class Solution { int answer(int x) { return x; } }",
                TestSpec.parse("{\"cases\": [{\"input\": [1], \"expected\": 1}]}"));
        SandboxResult.Rejected r2 = assertInstanceOf(SandboxResult.Rejected.class, missing);
        assertEquals(SandboxResult.Stage.METHOD, r2.stage());
        assertTrue(r2.reason().contains("no method 'solve'"), r2.reason());

        SandboxResult huge = JavaSandbox.builder().maxSourceChars(40).build().run("class Solution { int solve(int x) { return x + 0; } }",
                TestSpec.parse("{\"cases\": [{\"input\": [1], \"expected\": 1}]}"));
        SandboxResult.Rejected r4 = assertInstanceOf(SandboxResult.Rejected.class, huge);
        assertTrue(r4.reason().contains("more than the limit of 40"), r4.reason());

        SandboxResult mismatch = SANDBOX.run("class Solution { int solve(int x) { return x; } }",
                TestSpec.parse("{\"cases\": [{\"input\": [\"one\"], \"expected\": 1}]}"));
        SandboxResult.Rejected r3 = assertInstanceOf(SandboxResult.Rejected.class, mismatch);
        assertEquals(SandboxResult.Stage.ARGUMENTS, r3.stage());
        assertTrue(r3.reason().contains("case 0 argument 0"), r3.reason());
    }

    @Test
    void theTemporaryDirectoryIsDeletedAfterARun() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = sandboxDirs(tmp);
        SANDBOX.run("class Solution { int solve(int x) { return y; } }", TestSpec.parse("{\"cases\": [{\"input\": [1], \"expected\": 1}]}"));
        assertEquals(before, sandboxDirs(tmp));
    }

    private static List<Path> sandboxDirs(Path tmp) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("distillery-sandbox-")).sorted().toList();
        }
    }

    static boolean namespacesWork() {
        return NamespaceSupport.available();
    }

    /**
     * The second layer on its own: with the bytecode policy switched off, a socket to a server on this machine's
     * loopback connects without the namespace and fails inside it.
     */
    @Test
    @EnabledIf("namespacesWork")
    void theNetworkNamespaceCutsOffSocketsEvenWithoutThePolicy() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            String source = """
                    class Solution {
                        static String solve(int port) throws Exception {
                            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) { return "connected"; }
                        }
                    }
                    """;
            TestSpec spec = TestSpec.parse("{\"cases\": [{\"input\": [" + server.getLocalPort() + "], \"expected\": \"connected\"}]}");
            JavaSandbox.Builder open = JavaSandbox.builder().timeLimit(Duration.ofSeconds(20)).policy(BytecodePolicy.allowingEverything());
            SandboxResult.Ran withoutNamespace = (SandboxResult.Ran) open.network(JavaSandbox.NetworkIsolation.OFF).build().run(source, spec);
            assertTrue(withoutNamespace.allPassed(), "control run should connect: " + withoutNamespace);
            assertFalse(withoutNamespace.isolatedNetwork());

            SandboxResult.Ran inNamespace = (SandboxResult.Ran) open.network(JavaSandbox.NetworkIsolation.REQUIRED).build().run(source, spec);
            assertTrue(inNamespace.isolatedNetwork());
            assertEquals(SandboxResult.CaseStatus.EXCEPTION, inNamespace.cases().getFirst().status(), inNamespace.toString());
            assertTrue(inNamespace.cases().getFirst().actual().contains("java.net."), inNamespace.cases().getFirst().actual());
        }
    }
}
