/**
 * Seed documents for generation: files selected by globs ({@link dev.distillery.generators.source.SeedDocuments})
 * and split into chunks along paragraphs, Markdown sections or code blocks
 * ({@link dev.distillery.generators.source.Chunker}).
 */
package dev.distillery.generators.source;
