package dev.distillery.datasets.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Who speaks a {@link Message}: the roles of the OpenAI/TRL chat convention. */
public enum Role {
    SYSTEM, USER, ASSISTANT, TOOL;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name ({@code "user"}); throws with the accepted names when it is none of them. */
    @JsonCreator
    public static Role of(String name) {
        if (name != null) {
            for (Role r : values()) {
                if (r.wireName().equals(name)) return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "', expected one of system, user, assistant, tool");
    }
}
