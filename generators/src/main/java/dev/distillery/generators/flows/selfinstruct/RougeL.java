package dev.distillery.generators.flows.selfinstruct;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ROUGE-L: the F-measure of the longest common subsequence of two token sequences, the similarity Self-Instruct
 * uses to keep a new task only when it is novel (ROUGE-L below 0.7 to every existing task).
 *
 * <pre>{@code double f = RougeL.f1(RougeL.tokens("Write a poem about rain"), RougeL.tokens("Write a poem about snow"));  // 0.8}</pre>
 */
public final class RougeL {
    private RougeL() {
    }

    /** Lower-cased alphanumeric tokens; punctuation separates tokens and is dropped. */
    public static String[] tokens(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); ) {
            int cp = lower.codePointAt(i);
            if (Character.isLetterOrDigit(cp)) {
                cur.appendCodePoint(cp);
            } else if (!cur.isEmpty()) {
                out.add(cur.toString());
                cur.setLength(0);
            }
            i += Character.charCount(cp);
        }
        if (!cur.isEmpty()) out.add(cur.toString());
        return out.toArray(String[]::new);
    }

    /** F1 of LCS precision (over {@code candidate}) and recall (over {@code reference}); 0 when either is empty. */
    public static double f1(String[] candidate, String[] reference) {
        if (candidate.length == 0 || reference.length == 0) return 0;
        int lcs = lcs(candidate, reference);
        if (lcs == 0) return 0;
        double p = (double) lcs / candidate.length;
        double r = (double) lcs / reference.length;
        return 2 * p * r / (p + r);
    }

    /** Length of the longest common subsequence, two rows of dynamic programming. */
    static int lcs(String[] a, String[] b) {
        int[] prev = new int[b.length + 1];
        int[] cur = new int[b.length + 1];
        for (String x : a) {
            for (int j = 1; j <= b.length; j++) {
                cur[j] = x.equals(b[j - 1]) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length];
    }
}
