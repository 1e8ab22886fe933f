package dev.distillery.orchestrator.cli.dataset;

import java.nio.file.Path;

/** Default names for files that go next to an output. */
final class OutputPaths {

    private OutputPaths() {
    }

    /** {@code out.jsonl} → {@code out.rejects.jsonl}; {@code out/} → {@code out.rejects.jsonl} beside it. */
    static Path beside(Path output, String suffix) {
        String name = output.getFileName().toString().replaceFirst("\\.jsonl(\\.gz)?$|\\.json$", "");
        return output.resolveSibling(name + "." + suffix + ".jsonl");
    }
}
