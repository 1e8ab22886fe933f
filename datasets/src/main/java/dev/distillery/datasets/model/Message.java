package dev.distillery.datasets.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * One turn of a chat.
 *
 * @param role      who speaks
 * @param content   the text; may be empty for an assistant turn that only calls tools
 * @param name      the tool name on a {@link Role#TOOL} turn (TRL convention), otherwise null
 * @param toolCalls the assistant's tool calls as the OpenAI/TRL JSON array, otherwise null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(Role role, String content, String name, @JsonProperty("tool_calls") JsonNode toolCalls) {

    public Message {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
    }

    public static Message system(String content) {
        return new Message(Role.SYSTEM, content, null, null);
    }

    public static Message user(String content) {
        return new Message(Role.USER, content, null, null);
    }

    public static Message assistant(String content) {
        return new Message(Role.ASSISTANT, content, null, null);
    }

    /** Plain text turns carry nothing but role and content; only those convert to formats without tool support. */
    @JsonIgnore
    public boolean isPlainText() {
        return name == null && toolCalls == null;
    }
}
