package dev.distillery.judges.verify;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts and normalises final answers the way math benchmarks write them: GSM8K's {@code #### 42} marker or the
 * last number in the text, and MATH's {@code \boxed{...}} with nested braces. Pure functions, used by
 * {@link NumericVerifier}.
 *
 * <pre>{@code NumericAnswers.boxed("so \\boxed{\\frac{1}{2}}")  // "\\frac{1}{2}"
 * NumericAnswers.value("\\frac{1}{2}")                      // 0.5}</pre>
 */
public final class NumericAnswers {
    /** A number as written in prose: optional sign, thousands commas, decimals, or a plain fraction 3/4. */
    private static final Pattern NUMBER = Pattern.compile(
            "(?<![\\w.])[-+\u2212]?(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?|\\.\\d+)(?:/\\d+)?(?![\\w])");
    private static final Pattern PLAIN = Pattern.compile("[-+]?(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?");
    private static final Pattern SLASH_FRACTION = Pattern.compile("([-+]?)(\\d+(?:\\.\\d+)?)/(\\d+(?:\\.\\d+)?)");
    private static final Pattern TEX_FRACTION = Pattern.compile("([-+]?)\\\\frac\\{([-+]?\\d+(?:\\.\\d+)?)\\}\\{([-+]?\\d+(?:\\.\\d+)?)\\}");
    // "\frac12" is common shorthand for \frac{1}{2}: each argument is a single token.
    private static final Pattern TEX_FRACTION_SHORT = Pattern.compile("([-+]?)\\\\frac(\\d)(\\d)");
    private static final Pattern GSM8K_MARKER = Pattern.compile("####");

    private NumericAnswers() {
    }

    /** The text of the last {@code \boxed{...}} (or {@code \fbox{...}}), braces balanced; null when there is none. */
    public static String boxed(String text) {
        int at = Math.max(text.lastIndexOf("\\boxed"), text.lastIndexOf("\\fbox"));
        if (at < 0) return null;
        int i = text.indexOf(text.startsWith("\\boxed", at) ? "\\boxed" : "\\fbox", at);
        i += text.startsWith("\\boxed", at) ? "\\boxed".length() : "\\fbox".length();
        while (i < text.length() && text.charAt(i) == ' ') i++;
        if (i >= text.length()) return null;
        if (text.charAt(i) != '{') {
            // "\boxed 5": the answer runs to the next space or dollar sign.
            int end = i;
            while (end < text.length() && text.charAt(end) != '$' && !Character.isWhitespace(text.charAt(end))) end++;
            return end > i ? text.substring(i, end) : null;
        }
        int depth = 0;
        for (int j = i; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return text.substring(i + 1, j);
        }
        return null; // unbalanced: the answer was cut off
    }

    /** The first number after the last {@code ####} marker, or null when there is no marker or no number after it. */
    public static String afterMarker(String text) {
        Matcher m = GSM8K_MARKER.matcher(text);
        int last = -1;
        while (m.find()) last = m.end();
        if (last < 0) return null;
        Matcher n = NUMBER.matcher(text);
        return n.find(last) ? n.group() : null;
    }

    /** The last number written in the text, or null when there is none. */
    public static String lastNumber(String text) {
        Matcher n = NUMBER.matcher(text);
        String last = null;
        while (n.find()) last = n.group();
        return last;
    }

    /**
     * Normalises a TeX answer: drops {@code $}, {@code \left}/{@code \right}, spacing commands, degree marks, percent
     * signs and trailing units in {@code \text{}}; {@code \dfrac}/{@code \tfrac} become {@code \frac}; an {@code x = 5}
     * answer keeps its right-hand side; spaces are removed.
     */
    public static String normalise(String answer) {
        String s = answer.strip().replace('\u2212', '-');
        s = s.replace("\\left", "").replace("\\right", "");
        for (String space : new String[]{"\\!", "\\,", "\\;", "\\:", "\\ ", "~"}) s = s.replace(space, "");
        s = s.replace("\\$", "").replace("$", "").replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac");
        s = s.replace("^{\\circ}", "").replace("^\\circ", "").replace("\\%", "").replace("%", "");
        s = dropTextGroups(s);
        int eq = s.lastIndexOf('=');
        if (eq >= 0 && eq < s.length() - 1) s = s.substring(eq + 1);
        s = s.replaceAll("\\s+", "");
        // "\sqrt2" is shorthand for "\sqrt{2}", as "\frac12" is for "\frac{1}{2}".
        s = s.replaceAll("\\\\sqrt(\\w)", "\\\\sqrt{$1}");
        while (s.endsWith(".")) s = s.substring(0, s.length() - 1);
        while (s.startsWith("{") && matching(s, 0) == s.length() - 1) s = s.substring(1, s.length() - 1);
        return s;
    }

    /** The numeric value of a normalised answer (plain, thousands commas, a/b, \frac{a}{b}); empty when not a number. */
    public static OptionalDouble value(String answer) {
        String s = normalise(answer);
        if (s.startsWith("+")) s = s.substring(1);
        if (PLAIN.matcher(s).matches()) return OptionalDouble.of(Double.parseDouble(s.replace(",", "")));
        Matcher m;
        if ((m = SLASH_FRACTION.matcher(s)).matches() || (m = TEX_FRACTION.matcher(s)).matches()
                || (m = TEX_FRACTION_SHORT.matcher(s)).matches()) {
            double den = Double.parseDouble(m.group(3));
            if (den == 0) return OptionalDouble.empty();
            double v = Double.parseDouble(m.group(2)) / den;
            return OptionalDouble.of(m.group(1).equals("-") ? -v : v);
        }
        return OptionalDouble.empty();
    }

    /** Removes {@code \text{..}}-style groups at the end (units), and unwraps the others. */
    private static String dropTextGroups(String s) {
        for (String cmd : new String[]{"\\text", "\\textbf", "\\mathrm", "\\mbox"}) {
            int at;
            while ((at = s.indexOf(cmd + "{")) >= 0) {
                int open = at + cmd.length();
                int close = matching(s, open);
                if (close < 0) break;
                String inner = s.substring(open + 1, close);
                boolean trailingUnit = close == s.length() - 1 && !s.substring(0, at).isBlank();
                s = s.substring(0, at) + (trailingUnit ? "" : inner) + s.substring(close + 1);
            }
        }
        return s;
    }

    private static int matching(String s, int open) {
        int depth = 0;
        for (int j = open; j < s.length(); j++) {
            if (s.charAt(j) == '{') depth++;
            else if (s.charAt(j) == '}' && --depth == 0) return j;
        }
        return -1;
    }
}
