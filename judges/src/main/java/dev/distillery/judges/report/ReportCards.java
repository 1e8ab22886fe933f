package dev.distillery.judges.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report-card entry point: computes a {@link ReportCard} from judged items and renders it as a text table, as
 * JSON, and as plot-ready JSON for the dashboard.
 *
 * <pre>{@code
 * List<JudgedItem> items = JudgedItemReader.scored("gpt-judge", "human").build().read(dataset);
 * ReportCard card = ReportCards.compute("gpt-judge", "human", items, ReportOptions.defaults());
 * System.out.println(ReportCards.text(card));
 * }</pre>
 */
public final class ReportCards {

    private ReportCards() {
    }

    /**
     * Computes every statistic that applies to {@code items} with its bootstrap interval.
     *
     * @param judge     the judge's name, for the card
     * @param reference what it is measured against, for the card
     * @throws IllegalArgumentException when scored and pairwise items are mixed
     */
    public static ReportCard compute(String judge, String reference, List<JudgedItem> items, ReportOptions options) {
        ReportComputation c = new ReportComputation(items, options);
        ReportComputation.Tally all = c.all();
        double[] point = c.values(all, true);
        double[][] boot = options.resamples() > 0 ? c.bootstrap() : new double[0][];
        List<Estimate> estimates = new ArrayList<>();
        List<String> notes = new ArrayList<>(c.notes());
        for (Statistic s : Statistic.values()) {
            if (!c.applicable(s)) continue;
            double v = point[s.ordinal()];
            if (Double.isNaN(v)) {
                notes.add(s.key() + " undefined on these items (" + undefinedWhy(s) + ")");
                continue;
            }
            Double[] ci = boot.length == 0 ? null : c.interval(boot, s);
            estimates.add(new Estimate(s, v, ci == null ? null : ci[0], ci == null ? null : ci[1], c.count(all, s)));
        }
        return new ReportCard(judge, reference, c.kind(), items.size(), c.unjudged(), estimates, c.confusion(all),
                c.reliability(all), c.histogram(true), c.histogram(false),
                new ReportCard.Bootstrap(options.resamples(), options.confidence(), options.seed(), c.groups()), notes);
    }

    private static String undefinedWhy(Statistic s) {
        return switch (s) {
            case COHEN_KAPPA, LINEAR_WEIGHTED_KAPPA, QUADRATIC_WEIGHTED_KAPPA, FLEISS_KAPPA ->
                    "chance agreement is 1: all ratings fall in one category";
            case SPEARMAN, KENDALL_TAU_B -> "one side is constant or fewer than 2 items";
            case ACCURACY_WITHOUT_TIES -> "every item has a tie on one side";
            case PRECISION -> "the judge gave 1 to no item";
            case RECALL -> "the reference is 1 on no item";
            case JUDGE_PREFERS_LONGER, REFERENCE_PREFERS_LONGER -> "no decided pair whose answers differ in length "
                    + "by more than the margin";
            default -> "no items";
        };
    }

    /** A fixed-width table for terminals and logs. */
    public static String text(ReportCard card) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Report card: judge '%s' vs '%s' (%s)%n", card.judge(), card.reference(),
                card.kind().name().toLowerCase(Locale.ROOT)));
        sb.append(String.format(Locale.ROOT, "items %d, unjudged %d (%.1f%%)%n", card.items(), card.unjudged(),
                100 * card.unjudgedRate()));
        ReportCard.Bootstrap b = card.bootstrap();
        String ciHeader = b.resamples() > 0
                ? String.format(Locale.ROOT, "%.0f%% CI", 100 * b.confidence()) : "CI";
        sb.append(String.format(Locale.ROOT, "%n%-34s %8s  %-18s %8s%n", "statistic", "value", ciHeader, "n"));
        for (Estimate e : card.estimates()) {
            String ci = e.hasInterval()
                    ? String.format(Locale.ROOT, "[%.3f, %.3f]", e.low(), e.high()) : "-";
            sb.append(String.format(Locale.ROOT, "%-34s %8.3f  %-18s %8d%n", e.statistic().label(), e.value(), ci,
                    e.n()));
        }
        if (b.resamples() > 0) {
            sb.append(String.format(Locale.ROOT, "%nintervals: percentile bootstrap, %d resamples of %d groups, "
                    + "seed %d%n", b.resamples(), b.groups(), b.seed()));
        }
        ReportCard.ConfusionMatrix m = card.confusion();
        if (m != null && m.labels().size() <= 12) {
            sb.append(String.format(Locale.ROOT, "%nconfusion (rows judge, columns reference)%n%8s", ""));
            for (Double l : m.labels()) sb.append(String.format(Locale.ROOT, " %8s", label(card, l)));
            sb.append('\n');
            for (int i = 0; i < m.counts().length; i++) {
                sb.append(String.format(Locale.ROOT, "%8s", label(card, m.labels().get(i))));
                for (long c : m.counts()[i]) sb.append(String.format(Locale.ROOT, " %8d", c));
                sb.append('\n');
            }
        }
        if (!card.notes().isEmpty()) {
            sb.append("\nnotes:\n");
            for (String note : card.notes()) sb.append(" - ").append(note).append('\n');
        }
        return sb.toString();
    }

    private static String label(ReportCard card, double v) {
        if (card.kind() == ReportCard.Kind.PAIRWISE) {
            return v == JudgedItem.FIRST ? "first" : v == JudgedItem.SECOND ? "second" : "tie";
        }
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /** The whole card as pretty-printed JSON; undefined numbers (empty calibration bins) are null. */
    public static String json(ReportCard card) {
        return Json.pretty(cardNode(card));
    }

    private static ObjectNode cardNode(ReportCard card) {
        ObjectNode root = Json.object();
        root.put("judge", card.judge());
        root.put("reference", card.reference());
        root.put("kind", card.kind().name().toLowerCase(Locale.ROOT));
        root.put("items", card.items());
        root.put("unjudged", card.unjudged());
        root.put("unjudged_rate", card.unjudgedRate());
        ObjectNode stats = root.putObject("statistics");
        for (Estimate e : card.estimates()) {
            ObjectNode s = stats.putObject(e.statistic().key());
            s.put("value", e.value());
            if (e.hasInterval()) {
                s.put("low", e.low());
                s.put("high", e.high());
            }
            s.put("n", e.n());
        }
        ReportCard.Bootstrap b = card.bootstrap();
        ObjectNode bs = root.putObject("bootstrap");
        bs.put("resamples", b.resamples());
        bs.put("confidence", b.confidence());
        bs.put("seed", b.seed());
        bs.put("groups", b.groups());
        if (card.confusion() != null) root.set("confusion", confusion(card.confusion()));
        if (!card.reliability().isEmpty()) root.set("reliability", reliability(card));
        ObjectNode hist = root.putObject("histograms");
        hist.set("judge", histogram(card.judgeHistogram()));
        hist.set("reference", histogram(card.referenceHistogram()));
        ArrayNode notes = root.putArray("notes");
        card.notes().forEach(notes::add);
        return root;
    }

    /**
     * The dashboard's input: one object per chart, each already in the shape a plotting library takes
     * ({@code x}/{@code y} arrays or a matrix with its axis labels). Charts: {@code estimates} (a forest plot of every
     * statistic with its interval), {@code reliability} (confidence against accuracy per bin, with the diagonal as
     * the ideal), {@code confusion}, {@code histograms} (judge and reference score distributions).
     */
    public static String plotJson(ReportCard card) {
        ObjectNode root = Json.object();
        ObjectNode title = root.putObject("meta");
        title.put("judge", card.judge());
        title.put("reference", card.reference());
        title.put("kind", card.kind().name().toLowerCase(Locale.ROOT));
        title.put("items", card.items());

        ObjectNode forest = root.putObject("estimates");
        ArrayNode names = forest.putArray("names");
        ArrayNode labels = forest.putArray("labels");
        ArrayNode values = forest.putArray("value");
        ArrayNode lows = forest.putArray("low");
        ArrayNode highs = forest.putArray("high");
        for (Estimate e : card.estimates()) {
            names.add(e.statistic().key());
            labels.add(e.statistic().label());
            values.add(e.value());
            addOrNull(lows, e.low());
            addOrNull(highs, e.high());
        }
        if (!card.reliability().isEmpty()) root.set("reliability", reliability(card));
        if (card.confusion() != null) root.set("confusion", confusion(card.confusion()));
        ObjectNode hist = root.putObject("histograms");
        hist.set("judge", histogram(card.judgeHistogram()));
        hist.set("reference", histogram(card.referenceHistogram()));
        return Json.pretty(root);
    }

    private static ObjectNode reliability(ReportCard card) {
        ObjectNode r = Json.object();
        ArrayNode lower = r.putArray("bin_lower");
        ArrayNode upper = r.putArray("bin_upper");
        ArrayNode count = r.putArray("count");
        ArrayNode conf = r.putArray("confidence");
        ArrayNode acc = r.putArray("accuracy");
        for (Calibration.ReliabilityBin b : card.reliability()) {
            lower.add(b.lower());
            upper.add(b.upper());
            count.add(b.count());
            addOrNull(conf, b.confidence());
            addOrNull(acc, b.accuracy());
        }
        card.estimate(Statistic.ECE).ifPresent(e -> r.put("ece", e.value()));
        return r;
    }

    private static ObjectNode confusion(ReportCard.ConfusionMatrix m) {
        ObjectNode c = Json.object();
        c.put("rows", "judge");
        c.put("columns", "reference");
        ArrayNode labels = c.putArray("labels");
        m.labels().forEach(labels::add);
        ArrayNode matrix = c.putArray("counts");
        for (long[] row : m.counts()) {
            ArrayNode r = matrix.addArray();
            for (long v : row) r.add(v);
        }
        return c;
    }

    private static ObjectNode histogram(List<ReportCard.HistogramBin> bins) {
        ObjectNode h = Json.object();
        ArrayNode lower = h.putArray("lower");
        ArrayNode upper = h.putArray("upper");
        ArrayNode count = h.putArray("count");
        for (ReportCard.HistogramBin b : bins) {
            lower.add(b.lower());
            upper.add(b.upper());
            count.add(b.count());
        }
        return h;
    }

    private static void addOrNull(ArrayNode a, Double v) {
        if (v == null || v.isNaN()) a.addNull();
        else a.add(v);
    }
}
