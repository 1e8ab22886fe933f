package dev.distillery.judges.llm;

import dev.langchain4j.model.chat.ChatModel;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What every LLM judge's builder configures: the model, the judge's name, prompt overrides, and how it is asked
 * (temperature, answer length, attempts). Each judge's {@code Builder} adds its own settings.
 */
public abstract class LlmJudgeBuilder<B extends LlmJudgeBuilder<B>> {
    final ChatModel model;
    String name;
    Path promptDir;
    double temperature = 0.0;
    Integer maxTokens;
    int attempts = 2;

    LlmJudgeBuilder(ChatModel model, int defaultMaxTokens) {
        this.model = Objects.requireNonNull(model, "model");
        this.maxTokens = defaultMaxTokens;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The identity stored with each verdict; default {@code <judge>:<model name>}. */
    public B name(String name) {
        this.name = name;
        return self();
    }

    /** A directory whose files override the judge's prompt resources. */
    public B promptDir(Path promptDir) {
        this.promptDir = promptDir;
        return self();
    }

    public B temperature(double temperature) {
        this.temperature = temperature;
        return self();
    }

    public B maxTokens(Integer maxTokens) {
        this.maxTokens = maxTokens;
        return self();
    }

    /** How many times a call is made before the verdict is a recorded failure. */
    public B attempts(int attempts) {
        this.attempts = attempts;
        return self();
    }

    /** Builders of judges that can use a reference answer. */
    public abstract static class WithReference<B extends WithReference<B>> extends LlmJudgeBuilder<B> {
        ReferenceMode referenceMode = ReferenceMode.AUTO;

        WithReference(ChatModel model, int defaultMaxTokens) {
            super(model, defaultMaxTokens);
        }

        @SuppressWarnings("unchecked")
        public B referenceMode(ReferenceMode referenceMode) {
            this.referenceMode = Objects.requireNonNull(referenceMode, "referenceMode");
            return (B) this;
        }
    }
}
