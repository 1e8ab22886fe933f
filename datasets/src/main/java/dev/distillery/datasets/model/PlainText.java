package dev.distillery.datasets.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.util.Objects;

/** Content in TRL's standard (non-conversational) form: one string. */
@JsonDeserialize(using = JsonDeserializer.None.class)
public record PlainText(String value) implements Content {

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public PlainText {
        Objects.requireNonNull(value, "value");
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public String text() {
        return value;
    }

    @Override
    public boolean isConversational() {
        return false;
    }
}
