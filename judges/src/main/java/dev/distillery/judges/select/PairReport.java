package dev.distillery.judges.select;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a {@link PairBuilder} run did: candidates read, prompts seen, pairs made, and why the rest made none.
 *
 * @param candidates        records read
 * @param groups            prompts (groups) seen
 * @param pairs             pairs written
 * @param skippedCandidates candidates left out of their group, by reason
 * @param skippedGroups     groups that made no pair, by reason
 */
public record PairReport(long candidates, long groups, long pairs, Map<Skip, Long> skippedCandidates,
                         Map<Skip, Long> skippedGroups) {

    public PairReport {
        skippedCandidates = Collections.unmodifiableMap(new EnumMap<>(withKeys(skippedCandidates)));
        skippedGroups = Collections.unmodifiableMap(new EnumMap<>(withKeys(skippedGroups)));
    }

    private static Map<Skip, Long> withKeys(Map<Skip, Long> m) {
        Map<Skip, Long> out = new EnumMap<>(Skip.class);
        out.putAll(m);
        return out;
    }

    public long skippedCandidates(Skip reason) {
        return skippedCandidates.getOrDefault(reason, 0L);
    }

    public long skippedGroups(Skip reason) {
        return skippedGroups.getOrDefault(reason, 0L);
    }

    /** Why a candidate or a group made no pair. */
    public enum Skip {
        /** Candidate: its payload is not a chat ending in an assistant turn or a prompt-completion. */
        NO_ANSWER("payload has no single answer"),
        /** Candidate: the strategy's score is absent or NaN. */
        MISSING_SCORE("candidate lacks the score"),
        /** Group: fewer than two usable candidates. */
        SINGLE_CANDIDATE("fewer than two usable candidates"),
        /** Group: chosen and rejected would score the same (and ties are dropped). */
        TIE("all candidates tie"),
        /** Group: the best available margin is below the minimum. */
        BELOW_MARGIN("margin below the minimum"),
        /** Group: no candidate passes the verifier. */
        NO_PASSING("no candidate passes the verifier"),
        /** Group: every candidate passes the verifier. */
        NO_FAILING("no candidate fails the verifier"),
        /** Group: no answer from the teacher model. */
        NO_TEACHER("no teacher answer"),
        /** Group: no answer from the student model. */
        NO_STUDENT("no student answer"),
        /** Group: the chosen and rejected candidates answer different prompts (grouping by parent id). */
        DIFFERENT_PROMPTS("chosen and rejected answer different prompts");

        private final String description;

        Skip(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }
}
