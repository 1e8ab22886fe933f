/**
 * Providers by name (OpenAI, OpenAI-compatible, Ollama, Anthropic), checked before any call
 * ({@link dev.distillery.generators.model.provider.Providers}), over an HTTP client that keeps {@code Retry-After}.
 */
package dev.distillery.generators.model.provider;
