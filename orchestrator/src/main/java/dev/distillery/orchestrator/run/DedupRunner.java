package dev.distillery.orchestrator.run;

import dev.distillery.datasets.clean.DedupKey;
import dev.distillery.datasets.clean.DedupReport;
import dev.distillery.datasets.clean.ExactDedup;
import dev.distillery.datasets.clean.MinHashDedup;
import dev.distillery.datasets.io.RecordSink;

import java.util.Map;

/** {@code dedup}: exact or MinHash-LSH near-duplicate removal over all inputs (a barrier: it needs every record). */
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
                default -> MinHashDedup.builder().key(key).seed(ctx.seed())
                        .threshold(ctx.stage().numberSetting("threshold", 0.7)).build()
                        .run(ctx.inputSource(), kept, RecordSink.discard());
            };
        }
        ctx.commitAll(report.read(), report.removed());
        ctx.event("dedup-report", Map.of("read", report.read(), "kept", report.kept(), "removed", report.removed()));
    }
}
