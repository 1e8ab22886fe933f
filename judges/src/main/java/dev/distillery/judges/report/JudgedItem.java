package dev.distillery.judges.report;

import java.util.List;
import java.util.Objects;

/**
 * One item a judge was measured on: the judge's value next to the reference value (a human label, a verifier, or
 * another judge), with what else the report card can use.
 *
 * <p>Values are on the judge's own scale for {@link ReportCard.Kind#SCORED} items (e.g. 1 to 10, or 0/1 for a
 * verifier). For pairwise items ({@code pair != null}) both values say which answer won, as the preference for the
 * first answer: {@code 1} first, {@code 0} second, {@code 0.5} tie.
 *
 * <pre>{@code
 * var ordinal = JudgedItem.scored("r1", "prompt-7", 4, 5);
 * var pairwise = JudgedItem.pairwise("r2", "prompt-7", 1, 0, new JudgedItem.Pair(812, 240, true));
 * }</pre>
 *
 * @param id          the record id, for messages
 * @param group       what the bootstrap resamples as a unit (the prompt); null makes the item its own group
 * @param judge       the judge's value; NaN when the judge gave none (parse failure, unjudged)
 * @param reference   the reference value; never NaN
 * @param probability the judge's probability that the reference is positive: for scored items that the binary
 *                    reference is 1, for pairwise items that the first answer wins; NaN when the judge gives none
 * @param jury        each jury member's value, for Fleiss' kappa (NaN where a member gave none); empty without a jury
 * @param pair        the two answers' lengths and the judge's swap consistency; null for scored items
 */
public record JudgedItem(String id, String group, double judge, double reference, double probability,
                         List<Double> jury, Pair pair) {

    /** The preference values a pairwise item may hold. */
    public static final double FIRST = 1, SECOND = 0, TIE = 0.5;

    public JudgedItem {
        Objects.requireNonNull(id, "id");
        judge += 0.0; // -0.0 becomes 0.0, so equal scores are one category
        reference += 0.0;
        if (Double.isNaN(reference)) throw new IllegalArgumentException(id + ": reference value is NaN");
        if (!Double.isNaN(probability) && (probability < 0 || probability > 1)) {
            throw new IllegalArgumentException(id + ": probability " + probability + " is outside [0, 1]");
        }
        jury = jury == null ? List.of() : List.copyOf(jury);
        if (pair != null) {
            checkPreference(id, "judge", judge, true);
            checkPreference(id, "reference", reference, false);
        }
    }

    private static void checkPreference(String id, String what, double v, boolean nanAllowed) {
        if (Double.isNaN(v) && nanAllowed) return;
        if (v != FIRST && v != SECOND && v != TIE) {
            throw new IllegalArgumentException(id + ": pairwise " + what + " value " + v
                    + " is not 1 (first wins), 0 (second wins) or 0.5 (tie)");
        }
    }

    /** A scored item without probability or jury. */
    public static JudgedItem scored(String id, String group, double judge, double reference) {
        return new JudgedItem(id, group, judge, reference, Double.NaN, List.of(), null);
    }

    /** A pairwise item without probability or jury. */
    public static JudgedItem pairwise(String id, String group, double judge, double reference, Pair pair) {
        return new JudgedItem(id, group, judge, reference, Double.NaN, List.of(), Objects.requireNonNull(pair, "pair"));
    }

    public JudgedItem withProbability(double p) {
        return new JudgedItem(id, group, judge, reference, p, jury, pair);
    }

    public JudgedItem withJury(List<Double> votes) {
        return new JudgedItem(id, group, judge, reference, probability, votes, pair);
    }

    public boolean judged() {
        return !Double.isNaN(judge);
    }

    /**
     * What the report card knows about the two answers of a pairwise item.
     *
     * @param firstLength    characters of the first answer
     * @param secondLength   characters of the second answer
     * @param swapConsistent whether the judge gave the same verdict in both position orders; null when unknown
     */
    public record Pair(int firstLength, int secondLength, Boolean swapConsistent) {
        public Pair {
            if (firstLength < 0 || secondLength < 0) throw new IllegalArgumentException("negative answer length");
        }
    }
}
