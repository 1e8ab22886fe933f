package dev.distillery.judges.jury;

import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Several judges asked about the same answer, their scores aggregated by {@link Aggregation}: a jury of judges from
 * different model families dampens each one's self-preference and noise. Jurors are asked in parallel (virtual
 * threads; model calls are I/O bound). Jurors must share a score scale; the jury cannot check that.
 *
 * <pre>{@code
 * Jury jury = Jury.builder().juror(gptJudge).juror(claudeJudge).juror(qwenJudge)
 *         .aggregation(Aggregation.MEDIAN).build();
 * JuryDecision d = jury.deliberate(input); // d.verdict() Scored(…, 7.0, …), d.agreement() 0.67
 * }</pre>
 */
public final class Jury implements Judge {
    private final String name;
    private final List<Judge> jurors;
    private final Aggregation aggregation;
    private final double tolerance;
    private final int quorum;

    private Jury(Builder b) {
        if (b.jurors.isEmpty()) throw new IllegalArgumentException("a jury needs at least one juror");
        this.jurors = List.copyOf(b.jurors);
        this.aggregation = b.aggregation;
        this.tolerance = b.tolerance;
        this.quorum = b.quorum != null ? b.quorum : (jurors.size() + 1) / 2;
        if (quorum < 1 || quorum > jurors.size()) {
            throw new IllegalArgumentException("quorum must be between 1 and the number of jurors (" + jurors.size() + "), got " + quorum);
        }
        this.name = b.name != null ? b.name
                : "jury-" + aggregation.name().toLowerCase() + ":" + jurors.stream().map(Judge::name).collect(Collectors.joining("+"));
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    public List<Judge> jurors() {
        return jurors;
    }

    @Override
    public Verdict judge(JudgeInput input) {
        return deliberate(input).verdict();
    }

    /** Asks every juror and aggregates; never throws for a juror's failure. */
    public JuryDecision deliberate(JudgeInput input) {
        List<Verdict> votes = askAll(input);
        List<Double> scores = new ArrayList<>();
        for (Verdict v : votes) if (v instanceof Verdict.Scored s) scores.add(s.score());
        String tally = tally(votes);
        if (scores.size() < quorum) {
            return new JuryDecision(new Verdict.Failed(name, scores.size() + " of " + jurors.size()
                    + " jurors gave a score, fewer than the quorum of " + quorum + ": " + tally, null), votes, Double.NaN);
        }
        double[] values = scores.stream().mapToDouble(Double::doubleValue).toArray();
        Double aggregate = switch (aggregation) {
            case MEAN -> Arrays.stream(values).average().orElseThrow();
            case MEDIAN -> median(values);
            case MAJORITY -> majority(values);
        };
        if (aggregate == null) {
            return new JuryDecision(new Verdict.Failed(name, "no majority among the jurors: " + tally, null), votes,
                    Double.NaN);
        }
        double agreement = agreement(values, aggregate);
        String rationale = aggregation.name().toLowerCase() + " " + format(aggregate) + " of " + values.length
                + " scores, agreement " + format(agreement) + ": " + tally;
        return new JuryDecision(new Verdict.Scored(name, aggregate, rationale), votes, agreement);
    }

    private List<Verdict> askAll(JudgeInput input) {
        if (jurors.size() == 1) return List.of(ask(jurors.getFirst(), input));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Verdict>> futures = jurors.stream().map(j -> pool.submit(() -> ask(j, input))).toList();
            List<Verdict> votes = new ArrayList<>(jurors.size());
            for (int i = 0; i < futures.size(); i++) {
                try {
                    votes.add(futures.get(i).get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    votes.add(new Verdict.Failed(jurors.get(i).name(), "interrupted", null));
                } catch (ExecutionException e) {
                    votes.add(new Verdict.Failed(jurors.get(i).name(), "juror threw " + e.getCause(), null));
                }
            }
            return votes;
        }
    }

    private static Verdict ask(Judge juror, JudgeInput input) {
        try {
            Verdict v = juror.judge(input);
            return v != null ? v : new Verdict.Failed(juror.name(), "the juror returned no verdict", null);
        } catch (RuntimeException e) {
            // The SPI says judges do not throw; one that does costs its vote, not the jury.
            return new Verdict.Failed(juror.name(), "juror threw " + e, null);
        }
    }

    private double agreement(double[] values, double aggregate) {
        int agreeing = 0;
        for (double v : values) {
            boolean agrees = aggregation == Aggregation.MAJORITY ? v == aggregate : Math.abs(v - aggregate) <= tolerance;
            if (agrees) agreeing++;
        }
        return (double) agreeing / values.length;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The single most frequent value, or null when two values tie for most frequent. */
    static Double majority(double[] values) {
        Map<Double, Integer> counts = new LinkedHashMap<>();
        for (double v : values) counts.merge(v, 1, Integer::sum);
        int best = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<Double> top = counts.entrySet().stream().filter(e -> e.getValue() == best).map(Map.Entry::getKey).toList();
        return top.size() == 1 ? top.getFirst() : null;
    }

    private static String tally(List<Verdict> votes) {
        return votes.stream().map(v -> switch (v) {
            case Verdict.Scored s -> s.judge() + "=" + format(s.score());
            case Verdict.Failed f -> f.judge() + "=failed(" + f.reason() + ")";
        }).collect(Collectors.joining(", "));
    }

    private static String format(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v)) return Long.toString((long) v);
        return String.format(java.util.Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
    }

    /** Settings; defaults: mean, tolerance 1.0, quorum = half the jurors rounded up. */
    public static final class Builder {
        private final List<Judge> jurors = new ArrayList<>();
        private Aggregation aggregation = Aggregation.MEAN;
        private double tolerance = 1.0;
        private Integer quorum;
        private String name;

        private Builder() {
        }

        public Builder juror(Judge juror) {
            jurors.add(Objects.requireNonNull(juror, "juror"));
            return this;
        }

        public Builder jurors(List<? extends Judge> more) {
            more.forEach(this::juror);
            return this;
        }

        public Builder aggregation(Aggregation aggregation) {
            this.aggregation = Objects.requireNonNull(aggregation, "aggregation");
            return this;
        }

        /** How far (on the jurors' scale) a score may be from a mean or median and still count as agreeing. */
        public Builder tolerance(double tolerance) {
            if (!(tolerance >= 0)) throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
            this.tolerance = tolerance;
            return this;
        }

        /** How many jurors must give a score for the jury to give one. */
        public Builder quorum(int quorum) {
            this.quorum = quorum;
            return this;
        }

        /** The identity stored with each score; default {@code jury-<aggregation>:<juror names joined by +>}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Jury build() {
            return new Jury(this);
        }
    }
}
