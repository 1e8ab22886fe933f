package dev.distillery.judges.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a JSON answer out of a response, optionally inside a Markdown code fence as models like to write it. */
final class JsonText {
    private static final Pattern FENCED = Pattern.compile("\\A\\s*```[A-Za-z]*\\s*\\n(.*?)\\n?\\s*```\\s*\\z", Pattern.DOTALL);

    private JsonText() {
    }

    /** The text without one surrounding {@code ```json ... ```} fence, when it has one. */
    static String unfence(String text) {
        Matcher m = FENCED.matcher(text);
        return m.matches() ? m.group(1) : text;
    }

    /** The parsed JSON, or an exception whose message says where parsing stopped. */
    static JsonNode parse(String text) throws JsonProcessingException {
        if (text.isBlank()) throw new com.fasterxml.jackson.core.JsonParseException(null, "empty response");
        return Json.MAPPER.readTree(text);
    }

    /** The first line of a Jackson message, which is the useful part ("Unexpected character ... at line 1, column 5"). */
    static String message(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        return e.getOriginalMessage().lines().findFirst().orElse("invalid JSON") + where;
    }
}
