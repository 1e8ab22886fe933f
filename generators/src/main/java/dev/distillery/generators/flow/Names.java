package dev.distillery.generators.flow;

/** Did-you-mean suggestions for unknown flow and setting names (the project-wide rule of datasets' {@code Names}). */
final class Names {
    private Names() {
    }

    /** The known name closest to {@code name} by edit distance, or null when none is plausibly meant. */
    static String closest(String name, Iterable<String> known) {
        return dev.distillery.datasets.spi.Names.closest(name, known);
    }
}
