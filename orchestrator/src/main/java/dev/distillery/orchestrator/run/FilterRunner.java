package dev.distillery.orchestrator.run;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Score;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code filter}: keeps a record when its score from the named judge lies within {@code min}/{@code max} and every
 * check in {@code require} passed (score 1). A record missing a needed score is rejected: its judge failed on it, and
 * an unjudged record must not slip through.
 */
final class FilterRunner implements StageRunner {

    @Override
    public String kind() {
        return "filter";
    }

    @Override
    public boolean barrier() {
        return false;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run(StageContext ctx) {
        String score = ctx.stage().stringSetting("score", null);
        Object min = ctx.stage().setting("min");
        Object max = ctx.stage().setting("max");
        Object req = ctx.stage().setting("require");
        List<String> require = req == null ? List.of() : req instanceof String s ? List.of(s) : (List<String>) req;
        int batch = ctx.stage().batch() == null ? 256 : ctx.stage().batch();
        int items = 0;
        // A kept record is passed on unchanged: its stored line is copied, not encoded again.
        List<byte[]> kept = new ArrayList<>(batch);
        long rejected = 0;
        try (StageContext.InputIterator it = ctx.inputs()) {
            while (it.hasNext()) {
                DataRecord r = it.next();
                items++;
                if (keep(r, score, min, max, require)) kept.add(it.line());
                else rejected++;
                // Commit a full batch, or whatever is pending when the input has nothing more committed yet, so
                // that a slow upstream never holds back records this stage already decided on.
                if (items == batch || !it.hasBuffered()) {
                    ctx.commitNextLines(items, kept, rejected);
                    items = 0;
                    kept = new ArrayList<>(batch);
                    rejected = 0;
                }
            }
        }
        ctx.commitNextLines(items, kept, rejected);
    }

    static boolean keep(DataRecord r, String score, Object min, Object max, List<String> require) {
        if (score != null) {
            Score s = r.scores().get(score);
            if (s == null) return false;
            if (min instanceof Number n && s.value() < n.doubleValue()) return false;
            if (max instanceof Number n && s.value() > n.doubleValue()) return false;
        }
        for (String check : require) {
            Score s = r.scores().get(check);
            if (s == null || s.value() < 1) return false;
        }
        return true;
    }
}
