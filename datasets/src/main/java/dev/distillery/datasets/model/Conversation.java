package dev.distillery.datasets.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** An ordered list of chat {@link Message}s. */
@JsonDeserialize(using = JsonDeserializer.None.class)
public record Conversation(List<Message> messages) implements Content {

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public Conversation {
        messages = List.copyOf(messages);
    }

    @JsonValue
    @Override
    public List<Message> messages() {
        return messages;
    }

    public static Conversation of(Message... messages) {
        return new Conversation(List.of(messages));
    }

    @Override
    public String text() {
        return messages.stream().map(Message::content).collect(Collectors.joining("\n"));
    }

    @Override
    public boolean isConversational() {
        return true;
    }

    @JsonIgnore
    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public Message last() {
        return messages.get(messages.size() - 1);
    }

    /** This conversation followed by the messages of {@code more}. */
    public Conversation concat(Conversation more) {
        List<Message> all = new ArrayList<>(messages);
        all.addAll(more.messages);
        return new Conversation(all);
    }

    public Conversation subList(int from, int to) {
        return new Conversation(messages.subList(from, to));
    }

    /** Text of the user turns only: what decontamination and prompt dedup look at. */
    public String userText() {
        return messages.stream().filter(m -> m.role() == Role.USER).map(Message::content)
                .collect(Collectors.joining("\n"));
    }
}
