package dev.distillery.generators.flow;

import dev.langchain4j.model.output.TokenUsage;

/**
 * A model's answer as a flow sees it.
 *
 * @param text    the answer text, never blank
 * @param modelId the model that answered (the provider's name when it reports one, else the configured id)
 * @param usage   tokens the call consumed, or null when the provider reports none
 */
public record ModelReply(String text, String modelId, TokenUsage usage) {
}
