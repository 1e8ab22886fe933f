package dev.distillery.judges.filter;

import dev.distillery.judges.spi.JudgeInput;

import java.util.Locale;

/** Which text of a {@link JudgeInput} a filter looks at: the response (default) or the prompt. */
public enum FilterField {
    RESPONSE, PROMPT;

    /** The chosen text, never null. */
    public String pick(JudgeInput input) {
        String s = this == RESPONSE ? input.response() : input.prompt();
        return s == null ? "" : s;
    }

    static FilterField parse(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
