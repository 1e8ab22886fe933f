package dev.distillery.judges.llm;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.LogProb;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a two-way answer's probability from token log-probabilities, where the backend returns them. LangChain4j's
 * {@code ChatResponse} has no generic log-prob field; its OpenAI client (and every OpenAI-compatible server: vLLM,
 * llama.cpp, Ollama's OpenAI endpoint) carries them in {@link OpenAiChatResponseMetadata#logProbs()}.
 */
final class TokenLogProbs {
    private TokenLogProbs() {
    }

    /** How many alternatives per position to ask for; OpenAI allows up to 20, 5 is AlpacaEval's choice. */
    static final int TOP = 5;

    private static final Set<String> YES = Set.of("a", "true");
    private static final Set<String> NO = Set.of("b", "false");

    /**
     * The probability of yes at the first generated position where yes or no is among the top alternatives.
     *
     * @param pYes      normalised within the two answers: p(yes) / (p(yes) + p(no))
     * @param position  which generated token it was read at (0-based)
     * @param massYes   raw probability mass of the yes tokens
     * @param massNo    raw probability mass of the no tokens
     */
    record Estimate(double pYes, int position, double massYes, double massNo) {
    }

    /** Whether requests to {@code model} can ask for log-probabilities. */
    static boolean supported(ChatModel model) {
        return model instanceof OpenAiChatModel;
    }

    static ChatRequest request(List<ChatMessage> messages, Integer maxTokens) {
        OpenAiChatRequestParameters.Builder p = OpenAiChatRequestParameters.builder()
                .temperature(0.0).logprobs(true).topLogprobs(TOP);
        if (maxTokens != null) p.maxOutputTokens(maxTokens);
        return ChatRequest.builder().messages(messages).parameters(p.build()).build();
    }

    /** The estimate from {@code response}, or null when it carries no usable log-probabilities. */
    static Estimate read(ChatResponse response) {
        if (response == null || !(response.metadata() instanceof OpenAiChatResponseMetadata m) || m.logProbs() == null) return null;
        List<LogProb> positions = m.logProbs();
        for (int i = 0; i < positions.size(); i++) {
            LogProb chosen = positions.get(i);
            List<LogProb> alternatives = chosen.topLogprobs() == null || chosen.topLogprobs().isEmpty()
                    ? List.of(chosen) : chosen.topLogprobs();
            double yes = 0;
            double no = 0;
            for (LogProb alt : alternatives) {
                if (alt.token() == null || alt.logprob() == null) continue;
                String t = alt.token().strip().replaceAll("[()\\[\\]*.:]", "").toLowerCase(Locale.ROOT);
                // Tokens such as " A" and "A" are different vocabulary entries for the same answer: add them up.
                if (YES.contains(t)) yes += Math.exp(alt.logprob());
                else if (NO.contains(t)) no += Math.exp(alt.logprob());
            }
            if (yes + no > 0) return new Estimate(yes / (yes + no), i, yes, no);
        }
        return null;
    }
}
