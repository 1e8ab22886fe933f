/**
 * Judge report cards: how far a judge agrees with labels or another judge (accuracy with and without ties, Cohen's,
 * weighted and Fleiss' kappa, Spearman, Kendall), its biases (swap consistency, length) and calibration, each with a
 * seeded cluster-bootstrap interval. Entry point {@link dev.distillery.judges.report.ReportCards}; items come from
 * records through {@link dev.distillery.judges.report.JudgedItemReader}. Definitions: {@code docs/judge-report.md}.
 */
package dev.distillery.judges.report;
