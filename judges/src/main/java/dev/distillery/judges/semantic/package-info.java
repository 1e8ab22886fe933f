/**
 * Semantic dedup and diversity selection over sentence embeddings (Deita's keep-if-cosine-≤-0.9 rule), for
 * records or raw vectors.
 *
 * <pre>{@code SemanticDedup.builder().threshold(0.9).build().run(source, kept, removed);}</pre>
 */
package dev.distillery.judges.semantic;
