package dev.distillery.generators.model.structured;

/**
 * Repairs the damage models commonly do to JSON: code fences around it, prose before or after it, trailing commas,
 * and an answer cut off before its closing quotes and brackets (a length limit). It does not guess at anything
 * else; what is still not JSON afterwards goes back to the model with the parse error.
 *
 * <pre>{@code String fixed = JsonRepair.repair("Sure!\n```json\n{\"a\": [1, 2,]\n```");  // {"a": [1, 2]}}</pre>
 */
public final class JsonRepair {

    private JsonRepair() {
    }

    /** The repaired text; text without any JSON object or array is returned trimmed and otherwise unchanged. */
    public static String repair(String text) {
        if (text == null) return "";
        String s = stripFences(text.strip());
        int start = firstOpening(s);
        if (start < 0) return s;
        return balance(s, start);
    }

    /** The inside of the first ``` fence (a missing closing fence is tolerated), or the text itself. */
    private static String stripFences(String s) {
        int open = s.indexOf("```");
        if (open < 0) return s;
        int lineEnd = s.indexOf('\n', open);
        if (lineEnd < 0) return s.substring(open + 3);
        int close = s.indexOf("```", lineEnd);
        return close < 0 ? s.substring(lineEnd + 1) : s.substring(lineEnd + 1, close);
    }

    private static int firstOpening(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '[') return i;
        }
        return -1;
    }

    /**
     * Copies the value starting at {@code start}, dropping commas before a closing bracket and everything after the
     * value's end; closes an unterminated string and any brackets left open.
     */
    private static String balance(String s, int start) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        StringBuilder stack = new StringBuilder();
        boolean inString = false;
        boolean escaped = false;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                out.append(c);
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') inString = false;
                continue;
            }
            switch (c) {
                case '"' -> {
                    inString = true;
                    out.append(c);
                }
                case '{', '[' -> {
                    stack.append(c == '{' ? '}' : ']');
                    out.append(c);
                }
                case '}', ']' -> {
                    dropTrailingComma(out);
                    out.append(c);
                    if (!stack.isEmpty()) stack.setLength(stack.length() - 1);
                    if (stack.isEmpty()) return out.toString(); // the value is complete; the rest is prose
                }
                default -> out.append(c);
            }
        }
        // Cut off before the end: close what is open.
        if (inString) {
            if (escaped) out.setLength(out.length() - 1);
            out.append('"');
        }
        trimDangling(out);
        for (int i = stack.length() - 1; i >= 0; i--) {
            dropTrailingComma(out);
            out.append(stack.charAt(i));
        }
        return out.toString();
    }

    private static void dropTrailingComma(StringBuilder out) {
        int i = out.length() - 1;
        while (i >= 0 && Character.isWhitespace(out.charAt(i))) i--;
        if (i >= 0 && out.charAt(i) == ',') out.setLength(i);
    }

    /** A key without its value ({@code , "b":} or {@code , "b"} at the end of an object) is dropped. */
    private static void trimDangling(StringBuilder out) {
        int i = out.length() - 1;
        while (i >= 0 && Character.isWhitespace(out.charAt(i))) i--;
        out.setLength(i + 1);
        if (i >= 0 && out.charAt(i) == ':') {
            out.setLength(i);
            int q = lastStringStart(out);
            if (q >= 0) out.setLength(q);
        } else if (i >= 0 && out.charAt(i) == '"') {
            // A string right after '{' or ',' inside an object is a key with no value.
            int q = lastStringStart(out);
            int j = q - 1;
            while (j >= 0 && Character.isWhitespace(out.charAt(j))) j--;
            if (q >= 0 && j >= 0 && (out.charAt(j) == '{' || (out.charAt(j) == ',' && insideObject(out, j)))) out.setLength(q);
        }
    }

    /** The index of the opening quote of the string that ends the buffer. */
    private static int lastStringStart(StringBuilder out) {
        int i = out.length() - 1;
        while (i >= 0 && Character.isWhitespace(out.charAt(i))) i--;
        if (i < 0 || out.charAt(i) != '"') return -1;
        for (int j = i - 1; j >= 0; j--) {
            if (out.charAt(j) == '"') {
                int backslashes = 0;
                for (int k = j - 1; k >= 0 && out.charAt(k) == '\\'; k--) backslashes++;
                if (backslashes % 2 == 0) return j;
            }
        }
        return -1;
    }

    /** Whether position {@code at} lies directly inside an object (not an array), ignoring strings. */
    private static boolean insideObject(StringBuilder out, int at) {
        StringBuilder stack = new StringBuilder();
        boolean inString = false;
        boolean escaped = false;
        for (int i = 0; i < at; i++) {
            char c = out.charAt(i);
            if (inString) {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                stack.append(c);
            } else if ((c == '}' || c == ']') && !stack.isEmpty()) {
                stack.setLength(stack.length() - 1);
            }
        }
        return !stack.isEmpty() && stack.charAt(stack.length() - 1) == '{';
    }
}
