package dev.distillery.judges;

import java.util.Collection;

/** Did-you-mean suggestions for misspelt judge and setting names (the project-wide rule of datasets' {@code Names}). */
final class Names {
    private Names() {
    }

    /** The candidate closest to {@code name} by edit distance, if it is close enough to be a plausible typo. */
    static String closest(String name, Collection<String> candidates) {
        return dev.distillery.datasets.spi.Names.closest(name, candidates);
    }
}
