package dev.distillery.bench;

import dev.distillery.judges.filter.FilterProviders;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.Verifier;
import dev.distillery.judges.verify.InstructionVerifierProvider;
import dev.distillery.judges.verify.JsonSchemaVerifierProvider;
import dev.distillery.judges.verify.NumericVerifierProvider;
import dev.distillery.judges.verify.code.JavaSandbox;
import dev.distillery.judges.verify.code.SandboxResult;
import dev.distillery.judges.verify.code.TestSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Throughput of the text verifiers and filters, and the latency of one sandboxed Java check.
 *
 * <p>Baselines, measured in the same run: for text checks, one lower-casing {@code contains} scan over each
 * response (the least any text check must do); for the sandbox, a bare child JVM with the same flags running an
 * empty main (the least any process-isolated check must pay).
 *
 * <pre>java -cp ... dev.distillery.bench.VerifierBench [items=20000] [sandboxRuns=5]</pre>
 */
public final class VerifierBench {
    private static final String[] WORDS = ("the a model answer step so we get total each apple costs dollars then "
            + "number first second because therefore result equals plus minus times").split(" ");

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int sandboxRuns = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf("VerifierBench: %d responses of ~120 words, %d sandbox runs, %d cores, %s%n",
                items, sandboxRuns, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        List<JudgeInput> inputs = corpus(items);

        Map<String, Verifier> verifiers = new java.util.LinkedHashMap<>();
        verifiers.put("numeric (auto)", create(new NumericVerifierProvider(), Map.of()));
        verifiers.put("instructions (6 constraints)", create(new InstructionVerifierProvider(), Map.of("max_words", 200,
                "min_words", 10, "forbidden_words", List.of("basically", "very"), "required_keywords", List.of("answer"),
                "case", "lower", "max_sentences", 30)));
        verifiers.put("json-schema (invalid JSON path)", create(new JsonSchemaVerifierProvider(),
                Map.of("schema", "{\"type\": \"object\", \"required\": [\"answer\"]}")));
        verifiers.put("length-filter", create(new FilterProviders.Length(), Map.of()));
        verifiers.put("repetition-filter (13 Gopher measures)", create(new FilterProviders.Repetition(), Map.of()));
        verifiers.put("refusal-filter", create(new FilterProviders.Refusal(), Map.of()));
        verifiers.put("charset-filter", create(new FilterProviders.Charset(), Map.of()));

        // Warm up everything once so JIT compilation is not billed to whichever runs first.
        baseline(inputs);
        for (Verifier v : verifiers.values()) run(v, inputs);
        double base = itemsPerSecond(inputs, () -> baseline(inputs));
        System.out.printf("%-42s %12s %10s%n", "check", "items/s", "vs base");
        System.out.printf("%-42s %,12.0f %10.3f%n", "baseline: lower-case contains scan", base, 1.0);
        for (Map.Entry<String, Verifier> e : verifiers.entrySet()) {
            double ips = itemsPerSecond(inputs, () -> run(e.getValue(), inputs));
            System.out.printf("%-42s %,12.0f %10.3f%n", e.getKey(), ips, ips / base);
        }

        sandbox(sandboxRuns);
    }

    private static void sandbox(int runs) throws Exception {
        JavaSandbox sandbox = JavaSandbox.builder().timeLimit(Duration.ofSeconds(30)).build();
        String source = """
                import java.util.*;
                public class Solution {
                    public static int solve(int[] xs) {
                        return Arrays.stream(xs).map(x -> x * x).sum();
                    }
                }""";
        TestSpec spec = TestSpec.parse("""
                {"cases": [{"input": [[1, 2, 3]], "expected": 14}, {"input": [[]], "expected": 0},
                 {"input": [[5]], "expected": 25}, {"input": [[-1, 1]], "expected": 2}, {"input": [[10, 10]], "expected": 200}]}""");
        // The baseline child: same flags, an empty main, compiled once.
        Path dir = Files.createTempDirectory("verifier-bench-");
        try {
            Path src = dir.resolve("Empty.java");
            Files.writeString(src, "public class Empty { public static void main(String[] a) { } }");
            javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), src.toString());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>();
            if (sandbox.isolatesNetwork()) cmd.addAll(List.of("unshare", "-rn"));
            cmd.addAll(List.of(java, "-Xmx64m", "-Xms8m", "-XX:MaxMetaspaceSize=64m", "-XX:ActiveProcessorCount=1",
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto", "-cp", dir.toString(), "Empty"));
            sandbox.run(source, spec); // warm javac in this JVM
            new ProcessBuilder(cmd).inheritIO().start().waitFor();
            long[] bare = new long[runs];
            long[] full = new long[runs];
            long[] child = new long[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                int rc = new ProcessBuilder(cmd).inheritIO().start().waitFor();
                bare[i] = System.nanoTime() - t0;
                if (rc != 0) throw new IllegalStateException("baseline child failed: " + rc);
                t0 = System.nanoTime();
                SandboxResult r = sandbox.run(source, spec);
                full[i] = System.nanoTime() - t0;
                if (!(r instanceof SandboxResult.Ran ran) || !ran.allPassed()) throw new IllegalStateException("sandbox run failed: " + r);
                child[i] = ran.millis() * 1_000_000L;
            }
            double bareMs = median(bare) / 1e6;
            double fullMs = median(full) / 1e6;
            System.out.printf("%nsandbox (network namespace: %s), median of %d%n", sandbox.isolatesNetwork(), runs);
            System.out.printf("%-58s %9.0f ms %8.2f%n", "baseline: bare child JVM, same flags, empty main", bareMs, 1.0);
            double childMs = median(child) / 1e6;
            System.out.printf("%-58s %9.0f ms %8.2f%n", "java-tests: compile + bytecode check + child run, 5 cases", fullMs, fullMs / bareMs);
            System.out.printf("%-58s %9.0f ms %8.2f%n", "  of which the child JVM (driver + 5 cases)", childMs, childMs / bareMs);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static double median(long[] xs) {
        long[] c = xs.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }

    private static Verifier create(JudgeProvider p, Map<String, Object> settings) {
        return (Verifier) p.createJudge(new JudgeConfig(settings, null, null, "bench"));
    }

    private static int sink;

    private static void baseline(List<JudgeInput> inputs) {
        for (JudgeInput in : inputs) if (in.response().toLowerCase(java.util.Locale.ROOT).contains("answer")) sink++;
    }

    private static void run(Verifier v, List<JudgeInput> inputs) {
        for (JudgeInput in : inputs) sink += v.judge(in).hashCode() & 1;
    }

    /** Repeats {@code body} (one pass over all items) for at least one second and returns items per second. */
    private static double itemsPerSecond(List<JudgeInput> inputs, Runnable body) {
        long start = System.nanoTime();
        int passes = 0;
        do {
            body.run();
            passes++;
        } while (System.nanoTime() - start < 1_000_000_000L);
        return (double) passes * inputs.size() / ((System.nanoTime() - start) / 1e9);
    }

    /** Seeded GSM8K-like responses: ~120 words of prose, some repeated sentences, a final "#### n". */
    private static List<JudgeInput> corpus(int n) {
        Random rnd = new Random(42);
        List<JudgeInput> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            for (int s = 0; s < 10; s++) {
                for (int w = 0; w < 12; w++) sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
                sb.append(rnd.nextInt(1000)).append(s % 3 == 2 ? ".\n\n" : ". ");
            }
            int answer = rnd.nextInt(10_000);
            sb.append("#### ").append(answer);
            out.add(new JudgeInput("How many?", sb.toString(), Integer.toString(rnd.nextBoolean() ? answer : answer + 1)));
        }
        return out;
    }
}
