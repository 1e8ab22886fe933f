package dev.distillery.trainers.runtime;

import dev.distillery.datasets.model.Conversation;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a generation or a score is conditioned on: token ids as they are, raw text (tokenized with the model's
 * tokenizer, nothing prepended), or a conversation rendered with the model's chat template and its generation prompt.
 * No BOS token is added in any case: ChatML-style templates do not use one; pass ids to control it exactly.
 *
 * <pre>{@code Prompt p = Prompt.chat(Conversation.of(Message.user("What is 2+2?")));}</pre>
 */
public sealed interface Prompt {

    static Prompt ids(int... ids) {
        return new Ids(ids);
    }

    static Prompt text(String text) {
        return new Text(text);
    }

    static Prompt chat(Conversation conversation) {
        return new Chat(conversation);
    }

    /** Token ids, used verbatim. */
    record Ids(int[] ids) implements Prompt {
        public Ids {
            ids = Objects.requireNonNull(ids, "ids").clone();
        }

        @Override
        public int[] ids() {
            return ids.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ids other && Arrays.equals(ids, other.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "Ids" + Arrays.toString(ids);
        }
    }

    /** Text, tokenized as is (special tokens written in the text are recognised). */
    record Text(String text) implements Prompt {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /** A conversation, rendered with the chat template and the assistant generation prompt. */
    record Chat(Conversation conversation) implements Prompt {
        public Chat {
            Objects.requireNonNull(conversation, "conversation");
        }
    }
}
