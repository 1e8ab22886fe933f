package dev.distillery.bench;

import dev.distillery.judges.llm.ParseResult;
import dev.distillery.judges.llm.VerdictParsers;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MT-Bench rating parsing: Distillery's {@link VerdictParsers#rating} against a named baseline measured in the same
 * run, FastChat's parser (first {@code [[n]]}, else first {@code [n]}, else error; no range check, no conflict check).
 *
 * <p>Prints two things over one corpus of judge outputs (well-formed ones, and the malformed ones real judges
 * produce: out of range, conflicting, missing, markdown-wrapped): how many each parser gets right (the expected
 * rating, or a rejection where no rating can be trusted), and parses per second with the ratio to the baseline.
 * {@code java -cp ... dev.distillery.bench.VerdictParseBench [seconds per measurement, default 3]}
 */
public final class VerdictParseBench {

    /** One judge output and the rating a careful reader takes from it; null when none can be trusted. */
    record Case(String output, Double expected) {
    }

    private static final String EXPLANATION = "The assistant's answer addresses the question directly and explains each step. "
            .repeat(8);

    static List<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        // well-formed
        cases.add(new Case(EXPLANATION + "\n\nRating: [[8]]", 8.0));
        cases.add(new Case(EXPLANATION + "\nRating: [[10]]", 10.0));
        cases.add(new Case(EXPLANATION + "\nRating: [[6.5]]", 6.5));
        cases.add(new Case(EXPLANATION + "\n[[3]]", 3.0));
        // formatting noise a strict reader should still accept
        cases.add(new Case(EXPLANATION + "\n**Rating:** [[ 7 ]]", 7.0));
        cases.add(new Case(EXPLANATION + "\nRating: 7", 7.0));
        cases.add(new Case(EXPLANATION + "\n```\nRating: [[9]]\n```", 9.0));
        cases.add(new Case(EXPLANATION + "\nRating: [[7/10]]", 7.0));
        cases.add(new Case("{\"REASONING\": \"" + EXPLANATION + "\", \"SCORE\": \"6\"}", 6.0));
        // malformed: no trustworthy rating
        cases.add(new Case(EXPLANATION + "\nRating: [[11]]", null));
        cases.add(new Case(EXPLANATION + "\nRating: [[0]]", null));
        cases.add(new Case(EXPLANATION + " As in [1], the answer is fine. Rating: [[seven]]", null));
        cases.add(new Case(EXPLANATION + "\nRating: [[8]]\nOn reflection, Rating: [[4]]", null));
        cases.add(new Case(EXPLANATION + " The format asks for [[5]] style. I give [[9]].", null));
        cases.add(new Case(EXPLANATION, null));
        cases.add(new Case("", null));
        cases.add(new Case(EXPLANATION + " See reference [2] for details.", null));
        return cases;
    }

    private static final Pattern STRICT = Pattern.compile("\\[\\[(\\d+\\.?\\d*)\\]\\]");
    private static final Pattern LOOSE = Pattern.compile("\\[(\\d+\\.?\\d*)\\]");

    /** The baseline: FastChat llm_judge's single-answer parser; -1 means error. */
    static double baseline(String output) {
        Matcher m = STRICT.matcher(output);
        if (!m.find()) m = LOOSE.matcher(output);
        if (m.find(0)) return Double.parseDouble(m.group(1));
        return -1;
    }

    static Double ours(String output) {
        return VerdictParsers.rating(output, 1, 10) instanceof ParseResult.Parsed<Double> p ? p.value() : null;
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        List<Case> cases = corpus();
        int baselineRight = 0;
        int oursRight = 0;
        int baselineTrustedBad = 0;
        for (Case c : cases) {
            double b = baseline(c.output());
            Double b2 = b < 0 ? null : b;
            Double o = ours(c.output());
            if (java.util.Objects.equals(b2, c.expected())) baselineRight++;
            if (java.util.Objects.equals(o, c.expected())) oursRight++;
            if (b2 != null && c.expected() == null) baselineTrustedBad++;
        }
        System.out.printf("Verdict parse bench: %d judge outputs (%d well-formed or noisy, %d untrustworthy), %d cores, %s%n",
                cases.size(), cases.stream().filter(c -> c.expected() != null).count(),
                cases.stream().filter(c -> c.expected() == null).count(), Runtime.getRuntime().availableProcessors(), Runtime.version());
        System.out.printf("%-44s %8s %26s%n", "", "right", "untrustworthy given a score");
        System.out.printf("%-44s %5d/%-2d %26d%n", "baseline: FastChat [[n]] then [n]", baselineRight, cases.size(), baselineTrustedBad);
        System.out.printf("%-44s %5d/%-2d %26d%n", "VerdictParsers.rating (strict + labelled)", oursRight, cases.size(),
                cases.stream().filter(c -> c.expected() == null && ours(c.output()) != null).count());

        measure(cases, true, 0.5);   // warm-up
        measure(cases, false, 0.5);
        double base = measure(cases, true, seconds);
        double mine = measure(cases, false, seconds);
        System.out.printf("%-44s %14s %12s%n", "", "parses/s", "vs baseline");
        System.out.printf("%-44s %,14.0f %12s%n", "baseline: FastChat [[n]] then [n]", base, "1.00");
        System.out.printf("%-44s %,14.0f %12.2f%n", "VerdictParsers.rating", mine, mine / base);
    }

    /** Parses per second over the corpus for {@code seconds}. */
    private static double measure(List<Case> cases, boolean baseline, double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long n = 0;
        double sink = 0;
        while (System.nanoTime() < deadline) {
            for (Case c : cases) {
                if (baseline) {
                    sink += baseline(c.output());
                } else {
                    Double v = ours(c.output());
                    sink += v == null ? -1 : v;
                }
                n++;
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (sink == 42.4242) System.out.print(""); // keeps the JIT from dropping the work
        return n / elapsed;
    }
}
