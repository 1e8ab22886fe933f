package dev.distillery.datasets.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * A prompt, a completion or a preference side: either plain text (TRL's "standard" form, a string) or a list of
 * chat messages (TRL's "conversational" form). Formats keep the distinction so that a round trip stays lossless.
 */
@JsonDeserialize(using = ContentDeserializer.class)
public sealed interface Content permits PlainText, Conversation {

    /** The text a human would read: the string itself, or the contents of all messages joined by newlines. */
    String text();

    boolean isConversational();
}
