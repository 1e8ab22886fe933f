package dev.distillery.datasets.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;

/** Content in TRL's standard (non-conversational) form: one string. */
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
