package dev.distillery.judges.select;

import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.RecordIds;
import dev.distillery.datasets.model.Score;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Turns candidate answers, grouped per prompt, into DPO preference pairs: at most one pair per prompt, picked by a
 * {@link PairStrategy}, checked against a minimum margin, ties dropped unless asked otherwise.
 *
 * <pre>{@code
 * PairReport report = PairBuilder.builder(PairStrategy.bestVsWorst("rm")).minMargin(1.0).build()
 *         .run(candidates, pairsSink);
 * }</pre>
 *
 * <p>Every pair is a {@code preference} record: the chosen candidate's prompt, the two answers, and a record of why
 * it was built. {@code lineage.parentIds} are {@code [chosen id, rejected id]}, {@code lineage.flow} is
 * {@value #FLOW}, {@code lineage.step} the strategy name, {@code lineage.modelIds} the union of the candidates'.
 * Score {@value #PAIR_SCORE} holds the margin (chosen minus rejected on the strategy's score; 1 for a teacher-vs-student
 * pair without a score) with the reason in words as its rationale, and {@code <score>/chosen}, {@code
 * <score>/rejected} hold both candidates' scores. The id is a hash of strategy and both parent ids: rerunning gives
 * the same ids. Candidates are held in memory per group until the end of the input.
 */
public final class PairBuilder {

    /** Lineage flow of every pair. */
    public static final String FLOW = "pair-builder";
    /** Score name of the margin and the reason. */
    public static final String PAIR_SCORE = "pair";

    private final PairStrategy strategy;
    private final double minMargin;
    private final boolean dropTies;
    private final GroupKey groupKey;
    private final long seed;

    private PairBuilder(Builder b) {
        strategy = b.strategy;
        minMargin = b.minMargin;
        dropTies = b.dropTies;
        groupKey = b.groupKey;
        seed = b.seed;
    }

    public static Builder builder(PairStrategy strategy) {
        return new Builder(strategy);
    }

    /** A candidate with the value of the strategy's score (NaN when the strategy needs none). */
    private record Scored(Candidate c, double score, int order) {
    }

    /** What one group yields: a pair or the reason for none. */
    private record Outcome(Scored chosen, Scored rejected, double margin, PairReport.Skip skip) {
        static Outcome skip(PairReport.Skip why) {
            return new Outcome(null, null, Double.NaN, why);
        }
    }

    /** Reads all candidates, then writes one pair per group that yields one. */
    public PairReport run(RecordSource source, RecordSink out) {
        Map<String, List<Scored>> groups = new LinkedHashMap<>();
        Map<PairReport.Skip, Long> skippedCandidates = new EnumMap<>(PairReport.Skip.class);
        Map<PairReport.Skip, Long> skippedGroups = new EnumMap<>(PairReport.Skip.class);
        long read = 0;
        try (RecordIterator it = source.open()) {
            while (it.hasNext()) {
                DataRecord r = it.next();
                read++;
                List<Scored> group = groups.computeIfAbsent(groupKey.of(r), k -> new ArrayList<>());
                Candidate c = Candidate.of(r);
                if (c == null) {
                    skippedCandidates.merge(PairReport.Skip.NO_ANSWER, 1L, Long::sum);
                    continue;
                }
                String name = scoreName();
                double v = name == null ? Double.NaN : value(r, name);
                if (name != null && Double.isNaN(v)) {
                    skippedCandidates.merge(PairReport.Skip.MISSING_SCORE, 1L, Long::sum);
                    continue;
                }
                group.add(new Scored(c, v, group.size()));
            }
        }
        long pairs = 0;
        for (Map.Entry<String, List<Scored>> g : groups.entrySet()) {
            Outcome o = g.getValue().size() < 2 ? Outcome.skip(PairReport.Skip.SINGLE_CANDIDATE)
                    : pick(g.getKey(), g.getValue());
            if (o.skip == null && !o.chosen.c().prompt().equals(o.rejected.c().prompt())) {
                o = Outcome.skip(PairReport.Skip.DIFFERENT_PROMPTS);
            }
            if (o.skip != null) {
                skippedGroups.merge(o.skip, 1L, Long::sum);
                continue;
            }
            out.write(pairRecord(o, g.getValue().size()));
            pairs++;
        }
        return new PairReport(read, groups.size(), pairs, skippedCandidates, skippedGroups);
    }

    /** The score a candidate must have for this strategy; null when none is required. */
    private String scoreName() {
        return switch (strategy) {
            case PairStrategy.BestVsWorst s -> s.score();
            case PairStrategy.BestVsRandomLower s -> s.score();
            case PairStrategy.VerifierPassVsFail s -> s.verifier();
            case PairStrategy.TeacherVsStudent s -> s.score();
        };
    }

    private static double value(DataRecord r, String name) {
        Score s = r.scores().get(name);
        return s == null ? Double.NaN : s.value();
    }

    /** Highest score first; equal scores in id order, so input order does not change the pick. */
    private static final Comparator<Scored> BEST_FIRST = Comparator.comparingDouble((Scored s) -> -s.score())
            .thenComparing(s -> s.c().id());

    private Outcome pick(String group, List<Scored> candidates) {
        return switch (strategy) {
            case PairStrategy.BestVsWorst s -> bestVsWorst(candidates);
            case PairStrategy.BestVsRandomLower s -> bestVsRandomLower(group, candidates);
            case PairStrategy.VerifierPassVsFail s -> passVsFail(s, candidates);
            case PairStrategy.TeacherVsStudent s -> teacherVsStudent(s, candidates);
        };
    }

    private Outcome bestVsWorst(List<Scored> candidates) {
        List<Scored> sorted = new ArrayList<>(candidates);
        sorted.sort(BEST_FIRST);
        Scored best = sorted.getFirst();
        double worstScore = sorted.getLast().score();
        // Among equally worst candidates take the smallest id, as for the best.
        Scored worst = sorted.stream().filter(s -> s.score() == worstScore).findFirst().orElseThrow();
        if (worst == best) {
            if (dropTies) return Outcome.skip(PairReport.Skip.TIE);
            worst = sorted.get(1);
        }
        return checked(best, worst);
    }

    private Outcome bestVsRandomLower(String group, List<Scored> candidates) {
        List<Scored> sorted = new ArrayList<>(candidates);
        sorted.sort(BEST_FIRST);
        Scored best = sorted.getFirst();
        List<Scored> lower = sorted.stream().filter(s -> s.score() < best.score()).toList();
        if (lower.isEmpty()) {
            if (dropTies) return Outcome.skip(PairReport.Skip.TIE);
            lower = sorted.subList(1, sorted.size());
        }
        List<Scored> eligible = lower.stream().filter(s -> best.score() - s.score() >= minMargin).toList();
        if (eligible.isEmpty()) return Outcome.skip(PairReport.Skip.BELOW_MARGIN);
        // Seeded per group, not per run: a prompt gets the same pair whatever else is in the input.
        SplittableRandom rng = new SplittableRandom(mix(seed ^ hash(group)));
        return checked(best, eligible.get(rng.nextInt(eligible.size())));
    }

    private Outcome passVsFail(PairStrategy.VerifierPassVsFail s, List<Scored> candidates) {
        List<Scored> pass = new ArrayList<>();
        List<Scored> fail = new ArrayList<>();
        for (Scored c : candidates) (c.score() >= s.passAt() ? pass : fail).add(c);
        if (pass.isEmpty()) return Outcome.skip(PairReport.Skip.NO_PASSING);
        if (fail.isEmpty()) return Outcome.skip(PairReport.Skip.NO_FAILING);
        if (s.rankBy() != null) {
            Comparator<Scored> byRank = Comparator.comparingDouble((Scored c) -> {
                double v = value(c.c().record(), s.rankBy());
                return Double.isNaN(v) ? Double.POSITIVE_INFINITY : -v; // unranked candidates last
            }).thenComparingInt(Scored::order);
            pass.sort(byRank);
            fail.sort(byRank);
        }
        return checked(pass.getFirst(), fail.getFirst());
    }

    private Outcome teacherVsStudent(PairStrategy.TeacherVsStudent s, List<Scored> candidates) {
        Scored teacher = candidates.stream().filter(c -> madeBy(c.c().record(), s.teacher(), s.field())).findFirst()
                .orElse(null);
        Scored student = candidates.stream().filter(c -> madeBy(c.c().record(), s.student(), s.field())).findFirst()
                .orElse(null);
        if (teacher == null) return Outcome.skip(PairReport.Skip.NO_TEACHER);
        if (student == null) return Outcome.skip(PairReport.Skip.NO_STUDENT);
        if (s.score() == null) return new Outcome(teacher, student, Double.NaN, null);
        return checked(teacher, student);
    }

    private static boolean madeBy(DataRecord r, String model, String field) {
        if (field == null) return r.lineage().modelIds().contains(model);
        return r.source() != null && model.equals(r.source().fields().path(field).asText(null));
    }

    /** Applies the tie and margin rules to a score-based pick. */
    private Outcome checked(Scored chosen, Scored rejected) {
        double margin = chosen.score() - rejected.score();
        if (margin == 0 && dropTies) return Outcome.skip(PairReport.Skip.TIE);
        if (margin < minMargin) return Outcome.skip(PairReport.Skip.BELOW_MARGIN);
        return new Outcome(chosen, rejected, margin, null);
    }

    private DataRecord pairRecord(Outcome o, int groupSize) {
        Candidate chosen = o.chosen.c();
        Candidate rejected = o.rejected.c();
        var payload = new Payload.Preference(chosen.prompt(), chosen.answer(), rejected.answer());
        String id = RecordIds.sha256Hex((strategy.name() + "\n" + chosen.id() + "\n" + rejected.id())
                .getBytes(StandardCharsets.UTF_8)).substring(0, 24);
        Set<String> models = new LinkedHashSet<>(chosen.record().lineage().modelIds());
        models.addAll(rejected.record().lineage().modelIds());
        Lineage lineage = new Lineage(List.of(chosen.id(), rejected.id()), FLOW, strategy.name(), List.copyOf(models),
                null, null);
        String scoreName = scoreName();
        String why;
        if (scoreName == null) {
            PairStrategy.TeacherVsStudent t = (PairStrategy.TeacherVsStudent) strategy;
            why = String.format(Locale.ROOT, "%s: chosen %s from %s, rejected %s from %s", strategy.name(),
                    chosen.id(), t.teacher(), rejected.id(), t.student());
        } else {
            why = String.format(Locale.ROOT, "%s by '%s' among %d candidates: chosen %s (%s), rejected %s (%s), "
                            + "margin %s (minimum %s)", strategy.name(), scoreName, groupSize, chosen.id(),
                    number(o.chosen.score()), rejected.id(), number(o.rejected.score()), number(o.margin),
                    number(minMargin));
        }
        DataRecord r = new DataRecord(id, Payload.Preference.TYPE, payload, lineage, null, null)
                .withScore(PAIR_SCORE, new Score(Double.isNaN(o.margin) ? 1 : o.margin, why));
        if (scoreName != null) {
            r = r.withScore(scoreName + "/chosen", Score.of(o.chosen.score()))
                    .withScore(scoreName + "/rejected", Score.of(o.rejected.score()));
        }
        return r;
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static long hash(String s) {
        long h = 0xCBF29CE484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Options of a pair-building run. */
    public static final class Builder {
        private final PairStrategy strategy;
        private double minMargin;
        private boolean dropTies = true;
        private GroupKey groupKey = GroupKey.PROMPT;
        private long seed = 42;

        private Builder(PairStrategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
        }

        /** The least chosen-minus-rejected score difference a pair may have; default 0. */
        public Builder minMargin(double margin) {
            if (!(margin >= 0)) throw new IllegalArgumentException("minMargin must be >= 0, got " + margin);
            minMargin = margin;
            return this;
        }

        /** Whether a pair whose two answers score the same is dropped (default) or kept. */
        public Builder dropTies(boolean drop) {
            dropTies = drop;
            return this;
        }

        /** How candidates are grouped per prompt; default {@link GroupKey#PROMPT}. */
        public Builder groupBy(GroupKey key) {
            groupKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /** Seed of the best-vs-random-lower draw. */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public PairBuilder build() {
            return new PairBuilder(this);
        }
    }
}
