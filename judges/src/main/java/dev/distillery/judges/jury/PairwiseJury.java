package dev.distillery.judges.jury;

import dev.distillery.judges.spi.PairInput;
import dev.distillery.judges.spi.PairwiseJudge;
import dev.distillery.judges.spi.PairwiseVerdict;
import dev.distillery.judges.spi.PairwiseVerdict.Winner;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Several pairwise judges vote on the same pair; the most frequent winner is the jury's verdict. A jury drawn from
 * different model families is the usual answer to self-preference (a judge favouring answers in its own style).
 * A split vote with no single most frequent winner is a {@link Winner#TIE}, the same reading FastChat gives a judge
 * whose two position orders disagree. Jurors are asked in parallel.
 *
 * <pre>{@code
 * PairwiseJury jury = PairwiseJury.builder().juror(gptPairwise).juror(claudePairwise).juror(qwenPairwise).build();
 * PairwiseJury.Decision d = jury.deliberate(pair); // d.verdict() Decided(FIRST, …), d.agreement() 0.67
 * }</pre>
 */
public final class PairwiseJury implements PairwiseJudge {

    /**
     * The jury's verdict with every juror's verdict and how many agreed.
     *
     * @param agreement share of deciding jurors whose winner is the jury's; NaN when none decided
     */
    public record Decision(PairwiseVerdict verdict, List<PairwiseVerdict> votes, double agreement) {
        public Decision {
            votes = List.copyOf(votes);
        }
    }

    private final String name;
    private final List<PairwiseJudge> jurors;
    private final int quorum;

    private PairwiseJury(Builder b) {
        if (b.jurors.isEmpty()) throw new IllegalArgumentException("a jury needs at least one juror");
        this.jurors = List.copyOf(b.jurors);
        this.quorum = b.quorum != null ? b.quorum : (jurors.size() + 1) / 2;
        if (quorum < 1 || quorum > jurors.size()) {
            throw new IllegalArgumentException("quorum must be between 1 and the number of jurors (" + jurors.size() + "), got " + quorum);
        }
        this.name = b.name != null ? b.name
                : "pairwise-jury:" + jurors.stream().map(PairwiseJudge::name).collect(Collectors.joining("+"));
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    public List<PairwiseJudge> jurors() {
        return jurors;
    }

    @Override
    public PairwiseVerdict compare(PairInput input) {
        return deliberate(input).verdict();
    }

    public Decision deliberate(PairInput input) {
        List<PairwiseVerdict> votes = askAll(input);
        Map<Winner, Integer> counts = new EnumMap<>(Winner.class);
        int decided = 0;
        for (PairwiseVerdict v : votes) {
            if (v instanceof PairwiseVerdict.Decided d) {
                counts.merge(d.winner(), 1, Integer::sum);
                decided++;
            }
        }
        String tally = votes.stream().map(v -> switch (v) {
            case PairwiseVerdict.Decided d -> d.judge() + "=" + d.winner()
                    + (d.swapConsistent() == null ? "" : d.swapConsistent() ? " (consistent)" : " (inconsistent)");
            case PairwiseVerdict.Failed f -> f.judge() + "=failed(" + f.reason() + ")";
        }).collect(Collectors.joining(", "));
        if (decided < quorum) {
            return new Decision(new PairwiseVerdict.Failed(name, decided + " of " + jurors.size()
                    + " jurors decided, fewer than the quorum of " + quorum + ": " + tally, null), votes, Double.NaN);
        }
        int best = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        List<Winner> top = counts.entrySet().stream().filter(e -> e.getValue() == best).map(Map.Entry::getKey).toList();
        boolean split = top.size() > 1;
        Winner winner = split ? Winner.TIE : top.getFirst();
        double agreement = (double) counts.getOrDefault(winner, 0) / decided;
        String rationale = (split ? "split vote, counted as a tie" : "majority " + winner) + " of " + decided
                + " decided jurors, agreement " + String.format(java.util.Locale.ROOT, "%.3f", agreement) + ": " + tally;
        // Position consistency belongs to each juror (see the tally); the jury itself asked no order.
        return new Decision(new PairwiseVerdict.Decided(name, winner, null, rationale), votes, agreement);
    }

    private List<PairwiseVerdict> askAll(PairInput input) {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<PairwiseVerdict>> futures = jurors.stream().map(j -> pool.submit(() -> ask(j, input))).toList();
            List<PairwiseVerdict> votes = new ArrayList<>(jurors.size());
            for (int i = 0; i < futures.size(); i++) {
                try {
                    votes.add(futures.get(i).get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    votes.add(new PairwiseVerdict.Failed(jurors.get(i).name(), "interrupted", null));
                } catch (ExecutionException e) {
                    votes.add(new PairwiseVerdict.Failed(jurors.get(i).name(), "juror threw " + e.getCause(), null));
                }
            }
            return votes;
        }
    }

    private static PairwiseVerdict ask(PairwiseJudge juror, PairInput input) {
        try {
            PairwiseVerdict v = juror.compare(input);
            return v != null ? v : new PairwiseVerdict.Failed(juror.name(), "the juror returned no verdict", null);
        } catch (RuntimeException e) {
            return new PairwiseVerdict.Failed(juror.name(), "juror threw " + e, null);
        }
    }

    /** Settings; default quorum = half the jurors rounded up. */
    public static final class Builder {
        private final List<PairwiseJudge> jurors = new ArrayList<>();
        private Integer quorum;
        private String name;

        private Builder() {
        }

        public Builder juror(PairwiseJudge juror) {
            jurors.add(Objects.requireNonNull(juror, "juror"));
            return this;
        }

        public Builder jurors(List<? extends PairwiseJudge> more) {
            more.forEach(this::juror);
            return this;
        }

        public Builder quorum(int quorum) {
            this.quorum = quorum;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public PairwiseJury build() {
            return new PairwiseJury(this);
        }
    }
}
