package dev.distillery.datasets.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a record holds. The sealed set is the data shapes every training format maps onto; a format that cannot
 * carry a shape says so instead of guessing.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Payload.Text.class, name = Payload.Text.TYPE),
        @JsonSubTypes.Type(value = Payload.Chat.class, name = Payload.Chat.TYPE),
        @JsonSubTypes.Type(value = Payload.PromptCompletion.class, name = Payload.PromptCompletion.TYPE),
        @JsonSubTypes.Type(value = Payload.Preference.class, name = Payload.Preference.TYPE),
        @JsonSubTypes.Type(value = Payload.Tokens.class, name = Payload.Tokens.TYPE),
        @JsonSubTypes.Type(value = Payload.TokenPreference.class, name = Payload.TokenPreference.TYPE)})
public sealed interface Payload {

    /** The type name written to JSON; also the default record kind. */
    @JsonIgnore
    String type();

    /** The text that dedup, decontamination and statistics look at: prompt and answers, without markup. */
    @JsonIgnore
    String text();

    /** The prompt side only (user turns, instruction): what decontamination checks against evaluation sets. */
    @JsonIgnore
    String promptText();

    /** Raw text, as in TRL's language-modelling {@code {"text": ...}} rows, or an instruction without an answer. */
    record Text(String text) implements Payload {
        public static final String TYPE = "text";

        public Text {
            Objects.requireNonNull(text, "text");
        }

        /** Here {@code text} is the data itself, so it is serialised despite the interface's ignore. */
        @JsonIgnore(false)
        @Override
        public String text() {
            return text;
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String promptText() {
            return text;
        }
    }

    /**
     * A conversation for supervised fine-tuning.
     *
     * @param messages the turns; loss usually falls on the assistant turns
     * @param tools    JSON-schema tool definitions offered to the assistant, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Chat(Conversation messages, JsonNode tools) implements Payload {
        public static final String TYPE = "chat";

        public Chat {
            Objects.requireNonNull(messages, "messages");
        }

        public Chat(Conversation messages) {
            this(messages, null);
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String text() {
            return messages.text();
        }

        @Override
        public String promptText() {
            return messages.userText();
        }
    }

    /** A prompt and the completion to learn; loss falls on the completion only. */
    record PromptCompletion(Content prompt, Content completion) implements Payload {
        public static final String TYPE = "prompt-completion";

        public PromptCompletion {
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(completion, "completion");
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String text() {
            return prompt.text() + "\n" + completion.text();
        }

        @Override
        public String promptText() {
            return prompt instanceof Conversation c ? c.userText() : prompt.text();
        }
    }

    /** A preference pair with an explicit prompt (TRL's recommended DPO layout). */
    record Preference(Content prompt, Content chosen, Content rejected) implements Payload {
        public static final String TYPE = "preference";

        public Preference {
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(chosen, "chosen");
            Objects.requireNonNull(rejected, "rejected");
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String text() {
            return prompt.text() + "\n" + chosen.text() + "\n" + rejected.text();
        }

        @Override
        public String promptText() {
            return prompt instanceof Conversation c ? c.userText() : prompt.text();
        }
    }

    /**
     * A pretokenized example in the Hugging Face convention: {@code labels} has the length of {@code inputIds},
     * positions not trained on hold -100, and the shift by one happens inside the model.
     */
    record Tokens(@JsonProperty("input_ids") int[] inputIds, int[] labels) implements Payload {
        public static final String TYPE = "tokens";
        public static final int IGNORE_INDEX = -100;

        public Tokens {
            Objects.requireNonNull(inputIds, "input_ids");
            Objects.requireNonNull(labels, "labels");
            if (inputIds.length != labels.length) {
                throw new IllegalArgumentException("labels has " + labels.length + " entries but input_ids has "
                        + inputIds.length + "; they must have the same length");
            }
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String text() {
            return "";
        }

        @Override
        public String promptText() {
            return "";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tokens t && Arrays.equals(inputIds, t.inputIds) && Arrays.equals(labels, t.labels);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(labels);
        }

        @Override
        public String toString() {
            return "Tokens[input_ids=" + Arrays.toString(inputIds) + ", labels=" + Arrays.toString(labels) + "]";
        }
    }

    /** A pretokenized preference pair: TRL's {@code prompt_input_ids}/{@code chosen_input_ids}/{@code rejected_input_ids}. */
    record TokenPreference(@JsonProperty("prompt_input_ids") int[] promptIds,
                           @JsonProperty("chosen_input_ids") int[] chosenIds,
                           @JsonProperty("rejected_input_ids") int[] rejectedIds) implements Payload {
        public static final String TYPE = "token-preference";

        public TokenPreference {
            Objects.requireNonNull(promptIds, "prompt_input_ids");
            Objects.requireNonNull(chosenIds, "chosen_input_ids");
            Objects.requireNonNull(rejectedIds, "rejected_input_ids");
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String text() {
            return "";
        }

        @Override
        public String promptText() {
            return "";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TokenPreference t && Arrays.equals(promptIds, t.promptIds)
                    && Arrays.equals(chosenIds, t.chosenIds) && Arrays.equals(rejectedIds, t.rejectedIds);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(promptIds), Arrays.hashCode(chosenIds), Arrays.hashCode(rejectedIds));
        }

        @Override
        public String toString() {
            return "TokenPreference[prompt=" + Arrays.toString(promptIds) + ", chosen=" + Arrays.toString(chosenIds)
                    + ", rejected=" + Arrays.toString(rejectedIds) + "]";
        }
    }
}
