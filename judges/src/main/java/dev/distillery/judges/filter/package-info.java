/**
 * Heuristic data filters as verifiers (1 = keep, 0 = drop, with a rationale): length bounds, Gopher repetition
 * rules, refusal and "as an AI" self-reference phrases, and Unicode script/charset checks. Registered as
 * {@code length-filter}, {@code repetition-filter}, {@code refusal-filter} and {@code charset-filter} by
 * {@link dev.distillery.judges.filter.FilterProviders}; defaults and their sources are in docs/verifiers.md.
 *
 * <pre>{@code Verifier f = RepetitionFilter.gopherDefaults(FilterField.RESPONSE);}</pre>
 */
package dev.distillery.judges.filter;
