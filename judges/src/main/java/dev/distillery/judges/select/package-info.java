/**
 * Keeping records by score ({@link dev.distillery.judges.select.Selection}: threshold, top-k per prompt, top
 * fraction) and building DPO preference pairs from scored candidates ({@link dev.distillery.judges.select.PairBuilder}
 * with a {@link dev.distillery.judges.select.PairStrategy}). Candidates are grouped per prompt by a
 * {@link dev.distillery.judges.select.GroupKey}. Record layouts: {@code docs/judge-report.md}.
 */
package dev.distillery.judges.select;
