package dev.distillery.orchestrator.run;

import dev.distillery.datasets.clean.DedupKey;
import dev.distillery.datasets.clean.DedupReport;
import dev.distillery.datasets.clean.ExactDedup;
import dev.distillery.datasets.clean.MinHashDedup;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.judges.semantic.SemanticDedup;
import dev.distillery.judges.semantic.SemanticText;

import java.util.Map;

/** {@code dedup}: exact, MinHash-LSH or semantic (embedding) duplicate removal over all inputs (a barrier). */
final class DedupRunner implements StageRunner {

    @Override
    public String kind() {
        return "dedup";
    }

    @Override
    public boolean barrier() {
        return true;
    }

    @Override
    public void run(StageContext ctx) {
        String method = ctx.stage().stringSetting("method", "minhash");
        DedupKey key = "prompt".equals(ctx.stage().stringSetting("field", "text")) ? DedupKey.PROMPT : DedupKey.FULL;
        DedupReport report;
        try (RecordSink kept = ctx.sink()) {
            report = switch (method) {
                case "exact" -> ExactDedup.builder().key(key).build().run(ctx.inputSource(), kept, RecordSink.discard());
                // Embeddings of all-MiniLM-L6-v2 (in-process); an item is kept when no kept item is this similar.
                case "semantic" -> SemanticDedup.builder().threshold(ctx.stage().numberSetting("threshold", 0.9))
                        .text(key == DedupKey.PROMPT ? SemanticText.PROMPT : SemanticText.FULL).build()
                        .run(ctx.inputSource(), kept, RecordSink.discard());
                default -> MinHashDedup.builder().key(key).seed(ctx.seed())
                        .threshold(ctx.stage().numberSetting("threshold", 0.7)).build()
                        .run(ctx.inputSource(), kept, RecordSink.discard());
            };
        }
        ctx.commitAll(report.read(), report.removed());
        ctx.event("dedup-report", Map.of("read", report.read(), "kept", report.kept(), "removed", report.removed()));
    }
}
