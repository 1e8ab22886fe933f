package dev.distillery.judges.verify;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IFEval-style instruction constraints {@link InstructionVerifier} understands, each parsed from a
 * {@code name: value} pair. Counting rules are written next to each constraint and in docs/verifiers.md.
 *
 * <pre>{@code InstructionConstraints.Constraint c = InstructionConstraints.parse("max_words", 100);
 * String why = c.violation(response);  // null when it holds}</pre>
 */
public final class InstructionConstraints {

    /** One parsed constraint; {@link #violation} is null when the response satisfies it. */
    public record Constraint(String name, Object value, java.util.function.Function<String, String> check) {
        public String violation(String response) {
            return check.apply(response);
        }
    }

    /** Word: a run of letters/digits, with inner apostrophes or hyphens ("don't", "well-known"). */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['\u2019-][\\p{L}\\p{N}]+)*");
    /** Sentence end: . ! ? (possibly repeated) followed by whitespace or the end of text. */
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?]+(?=\\s|$)");
    /** Paragraphs are separated by blank lines or by a {@code ***} divider line (IFEval uses the latter). */
    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n\\s*\\n|(?m)^[ \\t]*\\*{3}[ \\t]*$");
    /** Markdown bullets as IFEval counts them: lines starting with "* " or "- ". */
    private static final Pattern BULLET = Pattern.compile("(?m)^\\s*[*-]\\s+\\S");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\[[^\\[\\]\\n]+]");
    private static final Pattern HIGHLIGHT = Pattern.compile("\\*[^*\\n]+\\*");
    private static final Pattern TITLE = Pattern.compile("<<[^<>\\n]+>>");

    private static final Map<String, BiFunction<String, Object, Constraint>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("min_words", (n, v) -> bound(n, v, true, "words", InstructionConstraints::words));
        KINDS.put("max_words", (n, v) -> bound(n, v, false, "words", InstructionConstraints::words));
        KINDS.put("min_chars", (n, v) -> bound(n, v, true, "characters", s -> s.codePointCount(0, s.length())));
        KINDS.put("max_chars", (n, v) -> bound(n, v, false, "characters", s -> s.codePointCount(0, s.length())));
        KINDS.put("min_sentences", (n, v) -> bound(n, v, true, "sentences", InstructionConstraints::sentences));
        KINDS.put("max_sentences", (n, v) -> bound(n, v, false, "sentences", InstructionConstraints::sentences));
        KINDS.put("paragraphs", (n, v) -> exact(n, v, "paragraphs", InstructionConstraints::paragraphs));
        KINDS.put("min_paragraphs", (n, v) -> bound(n, v, true, "paragraphs", InstructionConstraints::paragraphs));
        KINDS.put("max_paragraphs", (n, v) -> bound(n, v, false, "paragraphs", InstructionConstraints::paragraphs));
        KINDS.put("bullet_count", (n, v) -> exact(n, v, "bullet points", s -> count(BULLET, s)));
        KINDS.put("min_bullets", (n, v) -> bound(n, v, true, "bullet points", s -> count(BULLET, s)));
        KINDS.put("max_bullets", (n, v) -> bound(n, v, false, "bullet points", s -> count(BULLET, s)));
        KINDS.put("min_placeholders", (n, v) -> bound(n, v, true, "[placeholders]", s -> count(PLACEHOLDER, s)));
        KINDS.put("min_highlights", (n, v) -> bound(n, v, true, "*highlighted* sections", s -> count(HIGHLIGHT, s)));
        KINDS.put("max_capital_words", (n, v) -> bound(n, v, false, "ALL-CAPITAL words", InstructionConstraints::capitalWords));
        KINDS.put("min_capital_words", (n, v) -> bound(n, v, true, "ALL-CAPITAL words", InstructionConstraints::capitalWords));
        KINDS.put("required_keywords", InstructionConstraints::required);
        KINDS.put("forbidden_words", InstructionConstraints::forbidden);
        KINDS.put("format", InstructionConstraints::format);
        KINDS.put("case", InstructionConstraints::letterCase);
        KINDS.put("starts_with", (n, v) -> affix(n, v, true));
        KINDS.put("ends_with", (n, v) -> affix(n, v, false));
        KINDS.put("no_commas", (n, v) -> flag(n, v, s -> s.indexOf(',') >= 0 ? "contains " + (s.length() - s.replace(",", "").length()) + " comma(s)" : null));
        KINDS.put("title", (n, v) -> flag(n, v, s -> TITLE.matcher(s).find() ? null : "no <<title>> found"));
        KINDS.put("quotation", (n, v) -> flag(n, v, s -> {
            String t = s.strip();
            return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? null : "response is not wrapped in double quotes";
        }));
        KINDS.put("postscript", InstructionConstraints::postscript);
    }

    private InstructionConstraints() {
    }

    /** Every constraint name, in documentation order. */
    public static Collection<String> names() {
        return KINDS.keySet();
    }

    /** Parses one constraint; an unknown name or a bad value is an {@link IllegalArgumentException} naming it. */
    public static Constraint parse(String name, Object value) {
        BiFunction<String, Object, Constraint> kind = KINDS.get(name);
        if (kind == null) {
            throw new IllegalArgumentException("unknown constraint '" + name + "'" + DidYouMean.hint(name, KINDS.keySet())
                    + "; known constraints: " + String.join(", ", KINDS.keySet()));
        }
        if (value == null) throw new IllegalArgumentException("constraint '" + name + "' has no value");
        return kind.apply(name, value);
    }

    /** Parses a whole {@code name -> value} map, keeping its order. */
    public static List<Constraint> parseAll(Map<String, ?> constraints) {
        List<Constraint> out = new ArrayList<>();
        constraints.forEach((k, v) -> out.add(parse(k, v)));
        return List.copyOf(out);
    }

    static int words(String s) {
        return count(WORD, s);
    }

    static int sentences(String s) {
        int n = 0;
        // Text after the last full stop counts as a sentence too ("One. Two" has two).
        for (String part : SENTENCE_END.split(s.strip())) if (!part.isBlank()) n++;
        return n;
    }

    static int paragraphs(String s) {
        int n = 0;
        for (String part : PARAGRAPH_BREAK.split(s.strip())) if (!part.isBlank()) n++;
        return n;
    }

    private static int capitalWords(String s) {
        int n = 0;
        Matcher m = WORD.matcher(s);
        while (m.find()) {
            String w = m.group();
            if (w.chars().anyMatch(Character::isLetter) && w.equals(w.toUpperCase(Locale.ROOT))) n++;
        }
        return n;
    }

    private static int count(Pattern p, String s) {
        Matcher m = p.matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    private static long whole(String name, Object v) {
        double d;
        if (v instanceof Number num) d = num.doubleValue();
        else {
            try {
                d = Double.parseDouble(v.toString().strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("constraint '" + name + "': expected a whole number, got '" + v + "'");
            }
        }
        if (d < 0 || d != Math.rint(d)) throw new IllegalArgumentException("constraint '" + name + "': expected a whole number >= 0, got " + v);
        return (long) d;
    }

    private static Constraint bound(String name, Object v, boolean min, String unit, java.util.function.ToIntFunction<String> measure) {
        long limit = whole(name, v);
        return new Constraint(name, limit, s -> {
            int got = measure.applyAsInt(s);
            boolean ok = min ? got >= limit : got <= limit;
            return ok ? null : got + " " + unit + (min ? " < minimum " : " > maximum ") + limit;
        });
    }

    private static Constraint exact(String name, Object v, String unit, java.util.function.ToIntFunction<String> measure) {
        long want = whole(name, v);
        return new Constraint(name, want, s -> {
            int got = measure.applyAsInt(s);
            return got == want ? null : got + " " + unit + ", expected exactly " + want;
        });
    }

    private static List<String> texts(String name, Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String s) out.add(s);
        else if (v instanceof Collection<?> c) for (Object o : c) out.add(String.valueOf(o));
        else throw new IllegalArgumentException("constraint '" + name + "': expected a list of words, got " + v);
        for (String s : out) if (s.isBlank()) throw new IllegalArgumentException("constraint '" + name + "': empty word");
        return List.copyOf(out);
    }

    private static Pattern wordPattern(String word) {
        // Word bounds so that "cat" is not found in "concatenate"; case-insensitive as IFEval is.
        return Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(word) + "(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private static Constraint required(String name, Object v) {
        List<String> words = texts(name, v);
        List<Pattern> patterns = words.stream().map(InstructionConstraints::wordPattern).toList();
        return new Constraint(name, words, s -> {
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < words.size(); i++) if (!patterns.get(i).matcher(s).find()) missing.add(words.get(i));
            return missing.isEmpty() ? null : "missing " + quoteAll(missing);
        });
    }

    private static Constraint forbidden(String name, Object v) {
        List<String> words = texts(name, v);
        List<Pattern> patterns = words.stream().map(InstructionConstraints::wordPattern).toList();
        return new Constraint(name, words, s -> {
            List<String> found = new ArrayList<>();
            for (int i = 0; i < words.size(); i++) if (patterns.get(i).matcher(s).find()) found.add(words.get(i));
            return found.isEmpty() ? null : "found " + quoteAll(found);
        });
    }

    private static Constraint format(String name, Object v) {
        String f = v.toString().strip().toLowerCase(Locale.ROOT);
        if (!f.equals("json")) {
            throw new IllegalArgumentException("constraint 'format': '" + v + "' is not supported (supported: json)"
                    + DidYouMean.hint(f, List.of("json")));
        }
        return new Constraint(name, f, s -> {
            try {
                JsonText.parse(JsonText.unfence(s.strip()));
                return null;
            } catch (JsonProcessingException e) {
                return "not valid JSON: " + JsonText.message(e);
            }
        });
    }

    private static Constraint letterCase(String name, Object v) {
        String c = v.toString().strip().toLowerCase(Locale.ROOT);
        return switch (c) {
            case "lower" -> new Constraint(name, c, s -> s.equals(s.toLowerCase(Locale.ROOT)) ? null
                    : "has upper-case letters, e.g. '" + firstWhere(s, Character::isUpperCase) + "'");
            case "upper" -> new Constraint(name, c, s -> s.equals(s.toUpperCase(Locale.ROOT)) ? null
                    : "has lower-case letters, e.g. '" + firstWhere(s, Character::isLowerCase) + "'");
            default -> throw new IllegalArgumentException("constraint 'case': '" + v + "' is not lower or upper"
                    + DidYouMean.hint(c, List.of("lower", "upper")));
        };
    }

    private static Constraint affix(String name, Object v, boolean start) {
        if (!(v instanceof String phrase) || phrase.isBlank()) {
            throw new IllegalArgumentException("constraint '" + name + "': expected a non-empty phrase, got " + v);
        }
        String want = phrase.strip().toLowerCase(Locale.ROOT);
        return new Constraint(name, phrase, s -> {
            String t = s.strip().toLowerCase(Locale.ROOT);
            boolean ok = start ? t.startsWith(want) : t.endsWith(want);
            return ok ? null : "does not " + (start ? "start" : "end") + " with '" + phrase.strip() + "'";
        });
    }

    private static Constraint postscript(String name, Object v) {
        String marker = v instanceof Boolean b && b ? "P.S." : v.toString().strip();
        if (marker.isEmpty() || marker.equals("false")) throw new IllegalArgumentException("constraint 'postscript': expected a marker such as P.S.");
        Pattern line = Pattern.compile("(?m)^\\s*" + Pattern.quote(marker));
        return new Constraint(name, marker, s -> line.matcher(s).find() ? null : "no line starting with '" + marker + "'");
    }

    private static Constraint flag(String name, Object v, java.util.function.Function<String, String> check) {
        boolean on;
        if (v instanceof Boolean b) on = b;
        else if ("true".equalsIgnoreCase(v.toString()) || "false".equalsIgnoreCase(v.toString())) on = Boolean.parseBoolean(v.toString());
        else throw new IllegalArgumentException("constraint '" + name + "': expected true or false, got " + v);
        return new Constraint(name, on, on ? check : s -> null);
    }

    private static String firstWhere(String s, java.util.function.IntPredicate p) {
        return s.codePoints().filter(p).limit(1).collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private static String quoteAll(List<String> words) {
        return String.join(", ", words.stream().map(w -> "'" + w + "'").toList());
    }
}
