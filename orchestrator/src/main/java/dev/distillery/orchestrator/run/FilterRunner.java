package dev.distillery.orchestrator.run;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Score;

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
        try (StageContext.InputIterator it = ctx.inputs()) {
            while (it.hasNext()) {
                DataRecord r = it.next();
                String key = it.key();
                if (ctx.isDone(key)) continue;
                if (keep(r, score, min, max, require)) ctx.emit(key, List.of(r));
                else ctx.reject(key);
            }
        }
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
