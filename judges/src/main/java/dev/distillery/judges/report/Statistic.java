package dev.distillery.judges.report;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The statistics a {@link ReportCard} can hold, with their JSON keys and the label the text table prints. Definitions
 * are in {@code docs/judge-report.md}.
 */
public enum Statistic {
    /** Exact agreement; for pairwise items a tie is a third class (FastChat "with ties"). */
    ACCURACY("accuracy", "accuracy (tie is a class)"),
    /** Pairwise: credit {@code 1 - |judge - reference|}, so a tie against a decision earns one half. */
    ACCURACY_TIES_HALF("accuracy_ties_half", "accuracy (tie vs decision = 1/2)"),
    /** Pairwise: exact agreement over items where neither side is a tie (FastChat "without ties"). */
    ACCURACY_WITHOUT_TIES("accuracy_without_ties", "accuracy (ties excluded)"),
    COHEN_KAPPA("cohen_kappa", "Cohen's kappa"),
    LINEAR_WEIGHTED_KAPPA("linear_weighted_kappa", "weighted kappa (linear)"),
    QUADRATIC_WEIGHTED_KAPPA("quadratic_weighted_kappa", "weighted kappa (quadratic)"),
    /** Binary scores (judge and reference 0/1): of the items the judge passed (1), the share the reference passed. */
    PRECISION("precision", "precision (of the judge's 1s)"),
    /** Binary scores: of the items the reference passed (1), the share the judge passed too. */
    RECALL("recall", "recall (of the reference's 1s)"),
    FLEISS_KAPPA("fleiss_kappa", "Fleiss' kappa (jury)"),
    SPEARMAN("spearman", "Spearman rho"),
    KENDALL_TAU_B("kendall_tau_b", "Kendall tau-b"),
    SWAP_CONSISTENCY("swap_consistency", "swap consistency"),
    JUDGE_PREFERS_LONGER("judge_prefers_longer", "P(judge prefers longer)"),
    REFERENCE_PREFERS_LONGER("reference_prefers_longer", "P(reference prefers longer)"),
    ECE("ece", "calibration error (ECE)"),
    BRIER("brier", "Brier score");

    private final String key;
    private final String label;

    Statistic(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The JSON key, e.g. {@code cohen_kappa}. */
    @JsonValue
    public String key() {
        return key;
    }

    /** The row label of the text table. */
    public String label() {
        return label;
    }
}
