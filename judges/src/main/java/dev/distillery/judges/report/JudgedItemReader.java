package dev.distillery.judges.report;

import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Score;
import dev.distillery.judges.select.GroupKey;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds {@link JudgedItem}s from records whose {@link DataRecord#scores()} hold the judge's verdicts.
 *
 * <p><b>Scored</b> ({@link #scored}): every record carries the judge's score and the reference score under their
 * names, on the same scale. <b>Pairwise</b> ({@link #pairwise}): every record has a {@link Payload.Preference}
 * payload and the judge's score is its preference for {@code chosen}: 1 chosen wins, 0 rejected wins, 0.5 tie; a
 * value in between is read as P(chosen beats rejected) and becomes a verdict at 0.5. The reference is the dataset's
 * own label (chosen wins) unless {@link Builder#reference} names another score in the same encoding. To keep
 * agreement statistics from degenerating (a reference that always says "chosen" has no chance-agreement to correct
 * for), each pair is shown in an order fixed by a hash of its id, chosen first or rejected first, as AlpacaEval
 * randomises order; {@link Builder#storedOrder()} turns that off.
 *
 * <pre>{@code
 * List<JudgedItem> items = JudgedItemReader.pairwise("pairwise:gpt-4o-mini")
 *         .probability("pairwise:gpt-4o-mini").swapConsistency("pairwise:gpt-4o-mini/swap-consistent")
 *         .build().read(Datasets.input(Path.of("pairs"), null));
 * }</pre>
 *
 * A record without a needed score is an error naming the source, the record number, the id and the field, unless
 * {@link Builder#allowUnjudged} makes a missing judge score count as unjudged.
 */
public final class JudgedItemReader {

    private final boolean pairwise;
    private final String judge;
    private final String reference;
    private final String probability;
    private final String swapConsistency;
    private final List<String> jury;
    private final GroupKey groupKey;
    private final boolean allowUnjudged;
    private final boolean hashedOrder;

    private JudgedItemReader(Builder b) {
        pairwise = b.pairwise;
        judge = b.judge;
        reference = b.reference;
        probability = b.probability;
        swapConsistency = b.swapConsistency;
        jury = List.copyOf(b.jury);
        groupKey = b.groupKey;
        allowUnjudged = b.allowUnjudged;
        hashedOrder = b.hashedOrder;
    }

    /** Scored items: {@code judge} and {@code reference} are score names on the same records. */
    public static Builder scored(String judge, String reference) {
        Builder b = new Builder(false, judge);
        b.reference = Objects.requireNonNull(reference, "reference");
        return b;
    }

    /** Pairwise items from preference records; {@code judge} is the score holding the judge's preference for chosen. */
    public static Builder pairwise(String judge) {
        return new Builder(true, judge);
    }

    /** Reads every record of {@code source}. */
    public List<JudgedItem> read(RecordSource source) {
        List<JudgedItem> out = new ArrayList<>();
        long index = 0;
        try (RecordIterator it = source.open()) {
            while (it.hasNext()) {
                index++;
                out.add(item(it.next(), new Where(source.describe(), index)));
            }
        }
        return out;
    }

    /** Converts one record; {@code where} names it in errors. */
    JudgedItem item(DataRecord r, Where where) {
        String group = groupKey.of(r);
        double j = score(r, judge, where, allowUnjudged);
        double p = probability == null ? Double.NaN : score(r, probability, where, Double.isNaN(j));
        if (!Double.isNaN(p) && (p < 0 || p > 1)) {
            throw where.error(r, "scores." + probability, "probability " + p + " is outside [0, 1]");
        }
        if (!pairwise) {
            double ref = score(r, reference, where, false);
            List<Double> votes = jury.stream().map(name -> score(r, name, where, true)).toList();
            return new JudgedItem(r.id(), group, j, ref, p, votes, null);
        }
        if (!(r.payload() instanceof Payload.Preference pref)) {
            throw where.error(r, "payload", "pairwise report needs a 'preference' payload (prompt, chosen, rejected), "
                    + "found '" + r.payload().type() + "'");
        }
        double verdict = Double.isNaN(j) ? j : verdict(r, judge, j, where);
        double ref = reference == null ? JudgedItem.FIRST : verdict(r, reference, score(r, reference, where, false), where);
        Boolean consistent = null;
        if (swapConsistency != null) {
            double s = score(r, swapConsistency, where, true);
            if (!Double.isNaN(s)) {
                if (s != 0 && s != 1) throw where.error(r, "scores." + swapConsistency, "swap consistency must be 1 "
                        + "(both orders agreed) or 0, got " + s);
                consistent = s == 1;
            }
        }
        List<Double> votes = new ArrayList<>(jury.size());
        for (String name : jury) {
            double v = score(r, name, where, true);
            votes.add(Double.isNaN(v) ? v : verdict(r, name, v, where));
        }
        int chosenLength = pref.chosen().text().length();
        int rejectedLength = pref.rejected().text().length();
        if (hashedOrder && rejectedFirst(r.id())) {
            // Present rejected first: every preference for 'first' flips.
            votes.replaceAll(v -> Double.isNaN(v) ? v : 1 - v);
            return new JudgedItem(r.id(), group, Double.isNaN(verdict) ? verdict : 1 - verdict, 1 - ref,
                    Double.isNaN(p) ? p : 1 - p, votes, new JudgedItem.Pair(rejectedLength, chosenLength, consistent));
        }
        return new JudgedItem(r.id(), group, verdict, ref, p, votes,
                new JudgedItem.Pair(chosenLength, rejectedLength, consistent));
    }

    private static double verdict(DataRecord r, String name, double v, Where where) {
        if (v < 0 || v > 1) {
            throw where.error(r, "scores." + name, "pairwise score " + v + " is outside [0, 1]; expected the "
                    + "preference for 'chosen' (1 chosen wins, 0 rejected wins, 0.5 tie, or P(chosen wins))");
        }
        return v > 0.5 ? JudgedItem.FIRST : v < 0.5 ? JudgedItem.SECOND : JudgedItem.TIE;
    }

    private static double score(DataRecord r, String name, Where where, boolean optional) {
        Score s = r.scores().get(name);
        if (s == null || Double.isNaN(s.value())) {
            if (optional) return Double.NaN;
            throw where.error(r, "scores." + name, (s == null ? "missing" : "NaN") + "; the record has scores "
                    + r.scores().keySet());
        }
        return s.value();
    }

    /** The order bit: the low bit of a stable string hash of the id, so the same record always shows the same way. */
    static boolean rejectedFirst(String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        int h = 0x811C9DC5;
        for (byte b : bytes) h = (h ^ (b & 0xFF)) * 0x01000193;
        return ((h ^ (h >>> 16)) & 1) == 1;
    }

    /** Where a record sits in its source, for error messages. */
    record Where(String source, long index) {
        DatasetException error(DataRecord r, String field, String problem) {
            return new DatasetException(source + ": record " + index + " (id " + r.id() + "): field '" + field + "': "
                    + problem);
        }
    }

    /** Options of a reader; see {@link JudgedItemReader} for the record layout each mode expects. */
    public static final class Builder {
        private final boolean pairwise;
        private final String judge;
        private String reference;
        private String probability;
        private String swapConsistency;
        private List<String> jury = List.of();
        private GroupKey groupKey = GroupKey.PROMPT;
        private boolean allowUnjudged;
        private boolean hashedOrder = true;

        private Builder(boolean pairwise, String judge) {
            this.pairwise = pairwise;
            this.judge = Objects.requireNonNull(judge, "judge");
        }

        /** Pairwise: the score of another judge (or a human label) to measure against, instead of chosen/rejected. */
        public Builder reference(String name) {
            reference = name;
            return this;
        }

        /** The score holding the judge's probability: that the binary reference is 1, or that chosen wins. */
        public Builder probability(String name) {
            probability = name;
            return this;
        }

        /** Pairwise: the score that is 1 when the judge gave the same verdict in both orders, 0 when not. */
        public Builder swapConsistency(String name) {
            swapConsistency = name;
            return this;
        }

        /** The scores of the jury members, for Fleiss' kappa; a record may lack some (it is then left out of it). */
        public Builder jury(String... names) {
            jury = List.of(names);
            return this;
        }

        /** What the bootstrap resamples as one unit; default {@link GroupKey#PROMPT}. */
        public Builder groupBy(GroupKey key) {
            groupKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /** Count a record without the judge's score as unjudged (a parse failure) instead of failing. */
        public Builder allowUnjudged(boolean allow) {
            allowUnjudged = allow;
            return this;
        }

        /** Pairwise: keep chosen first on every item (agreement with a chosen-only reference then degenerates). */
        public Builder storedOrder() {
            hashedOrder = false;
            return this;
        }

        public JudgedItemReader build() {
            return new JudgedItemReader(this);
        }
    }
}
