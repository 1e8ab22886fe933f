package dev.distillery.datasets.spi;

/**
 * "Did you mean" for names a user types: formats, flows, judges, stage kinds, fields. One implementation so that
 * every error message suggests the same way.
 *
 * <pre>{@code String hint = Names.closest("self-instrct", List.of("self-instruct", "evol-instruct")); // self-instruct}</pre>
 */
public final class Names {
    private Names() {
    }

    /** The known name within a small edit distance of {@code name}, or null. */
    public static String closest(String name, Iterable<String> known) {
        if (name == null || name.isEmpty()) return null;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(name.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    /** Levenshtein distance. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitution, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** {@code ", did you mean 'x'?"} when a known name is close, else the empty string: ready to append to a message. */
    public static String didYouMean(String name, Iterable<String> known) {
        String c = closest(name, known);
        return c == null ? "" : ", did you mean '" + c + "'?";
    }
}
