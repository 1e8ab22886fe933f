package dev.distillery.judges.verify;

import java.util.Collection;

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
        String best = dev.distillery.datasets.spi.Names.closest(given, known);
        return best == null ? "" : "; did you mean '" + best + "'?";
    }
}
