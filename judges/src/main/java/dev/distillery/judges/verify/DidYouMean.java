package dev.distillery.judges.verify;

import java.util.Collection;
import java.util.Locale;

/**
 * Suggests the closest known name for a misspelt one (Levenshtein distance), for error messages.
 *
 * <pre>{@code throw new IllegalArgumentException("unknown constraint 'max_word'" + DidYouMean.hint("max_word", names));}</pre>
 */
public final class DidYouMean {
    private DidYouMean() {
    }

    /** {@code "; did you mean 'x'?"} when a known name is close enough, else the empty string. */
    public static String hint(String given, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String g = given.toLowerCase(Locale.ROOT);
        for (String k : known) {
            int d = distance(g, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        // Beyond a third of the name the "suggestion" is a different word and only confuses.
        if (best == null || bestDistance > Math.max(2, given.length() / 3)) return "";
        return "; did you mean '" + best + "'?";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
