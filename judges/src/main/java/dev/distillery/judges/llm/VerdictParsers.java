package dev.distillery.judges.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.judges.spi.PairwiseVerdict.Winner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Parsers for the verdict markers LLM judges are asked to write. Each tries the strict marker first and a labelled
 * fallback second, tolerates whitespace, case, markdown bold and code fences, and rejects (never defaults) an
 * output with no marker, several conflicting markers, or a value out of range.
 *
 * <pre>{@code ParseResult<Double> r = VerdictParsers.rating("Good answer. Rating: [[7]]", 1, 10); // Parsed(7.0)}</pre>
 */
public final class VerdictParsers {
    private VerdictParsers() {
    }

    // The lookbehind starts a number only at its first digit: without it a long run of digits is tried from every
    // position, quadratic in the run's length.
    private static final String NUMBER = "(?<![\\d.])([+-]?\\d+(?:\\.\\d+)?)";
    private static final int CI = Pattern.CASE_INSENSITIVE;

    // MT-Bench single grading: "[[7]]" (also "[[7/10]]"), else a labelled "Rating: 7" / "Score: [7]", which also
    // reads open-instruct's JSON verdicts {"SCORE": "7"}.
    private static final List<Pattern> RATING_TIERS = List.of(
            Pattern.compile("\\[\\[\\s*" + NUMBER + "\\s*(?:/\\s*10\\s*)?]]"),
            Pattern.compile("\\b(?:rating|score)\"?\\s*[:=]\\s*\"?\\[?\\s*" + NUMBER, CI));

    // Prometheus absolute grading: "[RESULT] 4", then its parser's fallbacks in decreasing strictness.
    private static final List<Pattern> RESULT_TIERS = List.of(
            Pattern.compile("\\[RESULT]\\s*:?\\s*\\(?\\s*" + NUMBER, CI),
            Pattern.compile("\\[SCORE]\\s*:?\\s*\\(?\\s*" + NUMBER, CI),
            Pattern.compile("\\b(?:score|result)\\s*:\\s*\\(?\\s*" + NUMBER, CI),
            Pattern.compile("\\bscore\\s+of\\s+" + NUMBER, CI),
            Pattern.compile(NUMBER + "\\s*(?:/|out\\s+of)\\s*5\\b", CI));

    // MT-Bench pair-v2 "[[A]]"/"[[B]]"/"[[C]]", plus Arena-Hard's "[[A>B]]", "[[B>>A]]", "[[A=B]]".
    private static final Pattern PAIR_STRICT = Pattern.compile(
            "\\[\\[\\s*(A\\s*(?:>>?|<<?|==?)\\s*B|B\\s*(?:>>?|<<?|==?)\\s*A|A|B|C|TIE)\\s*]]", CI);
    private static final Pattern PAIR_LABELLED = Pattern.compile(
            "\\b(?:final\\s+)?verdict\\s*(?:is)?\\s*[:=]?\\s*\\[?\\s*(?:assistant\\s+)?((?-i:A|B|C)|tie)\\b", CI);

    private static final Pattern CHOICE_LETTER = Pattern.compile("\\(\\s*([AB])\\s*\\)", CI);
    private static final Pattern CHOICE_WORD = Pattern.compile("\\b(true|false)\\b", CI);
    private static final Pattern CHOICE_BARE = Pattern.compile("^\\s*([AB])\\s*(?:[.):]|$)", CI);

    // [ \\t], not \\s: a prefix that may cross newlines makes every line start rescan the rest of a blank run.
    private static final Pattern FENCE_LINE = Pattern.compile("(?m)^[ \\t]*```.*$");
    private static final Pattern RATING_LABEL = Pattern.compile("\\brating\\s*[:=]\\s*(N\\s*/\\s*A|" + NUMBER + ")", CI);
    private static final Pattern RATIONALE_LABEL = Pattern.compile("\\brationale\\s*:\\s*", CI);

    /**
     * An MT-Bench style rating: {@code [[n]]} or {@code Rating: n}, within {@code [min, max]}.
     */
    public static ParseResult<Double> rating(String raw, double min, double max) {
        return numberFromTiers(raw, RATING_TIERS, min, max, false, "rating marker such as [[7]] or 'Rating: 7'");
    }

    /**
     * A Prometheus absolute grade: {@code [RESULT] n} (or {@code [SCORE] n}, {@code Score: n}, {@code score of n},
     * {@code n/5}, {@code n out of 5}), an integer within {@code [min, max]}.
     */
    public static ParseResult<Integer> prometheusResult(String raw, int min, int max) {
        return switch (numberFromTiers(raw, RESULT_TIERS, min, max, true, "'[RESULT] n' marker")) {
            case ParseResult.Parsed<Double> p -> ParseResult.parsed(p.value().intValue());
            case ParseResult.Unparsed<Double> u -> ParseResult.unparsed(u.reason());
        };
    }

    /**
     * A pairwise choice in the order the answers were shown: {@code [[A]]} first, {@code [[B]]} second,
     * {@code [[C]]} (or {@code [[A=B]]}, {@code [[tie]]}) a tie; Arena-Hard strengths collapse to the winner.
     */
    public static ParseResult<Winner> pairChoice(String raw) {
        String text = clean(raw);
        if (text.isEmpty()) return ParseResult.unparsed("empty output");
        Set<Winner> strict = new LinkedHashSet<>();
        List<String> seen = new ArrayList<>();
        Matcher m = PAIR_STRICT.matcher(text);
        while (m.find()) {
            strict.add(winnerOf(m.group(1)));
            seen.add(m.group());
        }
        if (!strict.isEmpty()) {
            if (strict.size() > 1) return ParseResult.unparsed("conflicting verdict markers " + distinct(seen));
            return ParseResult.parsed(strict.iterator().next());
        }
        Set<Winner> labelled = new LinkedHashSet<>();
        m = PAIR_LABELLED.matcher(text);
        while (m.find()) labelled.add(winnerOf(m.group(1)));
        if (labelled.size() == 1) return ParseResult.parsed(labelled.iterator().next());
        if (labelled.size() > 1) return ParseResult.unparsed("conflicting verdicts " + labelled);
        return ParseResult.unparsed("no verdict marker [[A]], [[B]] or [[C]] found");
    }

    /** A self-evaluation answer: {@code (A)}/{@code True} is true, {@code (B)}/{@code False} is false. */
    public static ParseResult<Boolean> trueOrFalse(String raw) {
        String text = clean(raw);
        if (text.isEmpty()) return ParseResult.unparsed("empty output");
        Set<Boolean> seen = new LinkedHashSet<>();
        Matcher m = CHOICE_LETTER.matcher(text);
        while (m.find()) seen.add(m.group(1).equalsIgnoreCase("A"));
        m = CHOICE_WORD.matcher(text);
        while (m.find()) seen.add(m.group(1).equalsIgnoreCase("true"));
        if (seen.isEmpty()) {
            m = CHOICE_BARE.matcher(text);
            if (m.find()) seen.add(m.group(1).equalsIgnoreCase("A"));
        }
        if (seen.size() > 1) return ParseResult.unparsed("the answer says both True and False");
        if (seen.isEmpty()) return ParseResult.unparsed("no '(A) True' or '(B) False' answer found");
        return ParseResult.parsed(seen.iterator().next());
    }

    /**
     * UltraFeedback-style ratings for several aspects, each within {@code [min, max]} or N/A. Accepts a JSON object
     * keyed by aspect (values a number, "N/A", or {@code {"rating": n, "rationale": "..."}}) or one section per
     * aspect: a line naming the aspect, then {@code Rating: n} and {@code Rationale: ...}.
     *
     * @param aspects aspect key (e.g. {@code instruction_following}) to the label the prompt uses for it
     * @return ratings in the order of {@code aspects}
     */
    public static ParseResult<Map<String, AspectRating>> aspects(String raw, Map<String, String> aspects,
                                                                double min, double max) {
        String text = clean(raw);
        if (text.isEmpty()) return ParseResult.unparsed("empty output");
        String jsonProblem = null;
        int open = text.indexOf('{');
        int close = text.lastIndexOf('}');
        if (open >= 0) {
            try {
                JsonNode node = Json.MAPPER.readTree(close > open ? text.substring(open, close + 1) : text.substring(open));
                if (node.isObject()) return checkAllRated(aspectsFromJson(node, aspects, min, max));
                jsonProblem = "the braces do not hold a JSON object";
            } catch (Exception e) {
                // Not JSON after all (a rationale may contain braces): the section format may still parse.
                jsonProblem = "the JSON block does not parse (" + firstLine(e.getMessage()) + ")";
            }
        }
        ParseResult<Map<String, AspectRating>> sections = checkAllRated(aspectsFromSections(text, aspects, min, max));
        if (sections instanceof ParseResult.Unparsed<Map<String, AspectRating>> u && jsonProblem != null) {
            return ParseResult.unparsed(u.reason() + "; and " + jsonProblem);
        }
        return sections;
    }

    /**
     * What every parser looks at: the output without code-fence lines, markdown bold/italic markers and inline
     * backticks, so that {@code **Rating:** `[[7]]`} reads as {@code Rating: [[7]]}.
     */
    static String clean(String raw) {
        if (raw == null) return "";
        String text = FENCE_LINE.matcher(raw).replaceAll("");
        return text.replace("**", "").replace("__", "").replace("`", "").strip();
    }

    private static ParseResult<Double> numberFromTiers(String raw, List<Pattern> tiers, double min, double max,
                                                       boolean integer, String expected) {
        String text = clean(raw);
        if (text.isEmpty()) return ParseResult.unparsed("empty output");
        for (Pattern tier : tiers) {
            List<Double> values = new ArrayList<>();
            Matcher m = tier.matcher(text);
            while (m.find()) values.add(Double.parseDouble(m.group(1)));
            if (values.isEmpty()) continue;
            List<Double> distinct = values.stream().distinct().toList();
            if (distinct.size() > 1) {
                return ParseResult.unparsed("conflicting scores " + distinct.stream().map(VerdictParsers::format)
                        .collect(Collectors.joining(", ")));
            }
            return inRange(distinct.getFirst(), min, max, integer);
        }
        return ParseResult.unparsed("no " + expected + " found");
    }

    private static ParseResult<Double> inRange(double value, double min, double max, boolean integer) {
        if (integer && value != Math.rint(value)) {
            return ParseResult.unparsed("score " + format(value) + " is not a whole number");
        }
        if (value < min || value > max) {
            return ParseResult.unparsed("score " + format(value) + " is outside " + format(min) + ".." + format(max));
        }
        return ParseResult.parsed(value);
    }

    private static Winner winnerOf(String marker) {
        String v = marker.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
        return switch (v) {
            case "A", "A>B", "A>>B", "B<A", "B<<A" -> Winner.FIRST;
            case "B", "B>A", "B>>A", "A<B", "A<<B" -> Winner.SECOND;
            case "C", "TIE", "A=B", "B=A", "A==B", "B==A" -> Winner.TIE;
            // The patterns admit only the markers above.
            default -> throw new IllegalStateException("unexpected verdict marker " + marker);
        };
    }

    private static ParseResult<Map<String, AspectRating>> aspectsFromJson(JsonNode object, Map<String, String> aspects,
                                                                         double min, double max) {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        object.properties().forEach(e -> byKey.put(normaliseKey(e.getKey()), e.getValue()));
        Map<String, AspectRating> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> aspect : aspects.entrySet()) {
            JsonNode v = byKey.get(normaliseKey(aspect.getKey()));
            if (v == null) v = byKey.get(normaliseKey(aspect.getValue()));
            if (v == null) return ParseResult.unparsed("the JSON verdict has no '" + aspect.getKey() + "'");
            String rationale = null;
            if (v.isObject()) {
                JsonNode r = v.has("rationale") ? v.get("rationale") : v.get("reason");
                rationale = r == null || r.isNull() ? null : r.asText();
                v = v.has("rating") ? v.get("rating") : v.get("score");
                if (v == null) return ParseResult.unparsed("'" + aspect.getKey() + "' has no 'rating'");
            }
            ParseResult<Double> rating = jsonRating(v, min, max);
            if (rating instanceof ParseResult.Unparsed<Double> u) {
                return ParseResult.unparsed(aspect.getKey() + ": " + u.reason());
            }
            out.put(aspect.getKey(), new AspectRating(((ParseResult.Parsed<Double>) rating).value(), rationale));
        }
        return ParseResult.parsed(out);
    }

    /** A JSON rating: a number, a numeric string, or "N/A" (a null value in the returned Parsed). */
    private static ParseResult<Double> jsonRating(JsonNode v, double min, double max) {
        if (v.isNumber()) return inRange(v.asDouble(), min, max, false);
        if (v.isTextual()) {
            String s = v.asText().strip();
            if (s.replaceAll("\\s+", "").equalsIgnoreCase("N/A")) return ParseResult.parsed(null);
            try {
                return inRange(Double.parseDouble(s), min, max, false);
            } catch (NumberFormatException e) {
                return ParseResult.unparsed("rating '" + s + "' is not a number");
            }
        }
        return ParseResult.unparsed("rating " + v + " is not a number");
    }

    /**
     * Every line that names an aspect starts a section running to the next such line. A judge may echo the aspect
     * guidance before answering, so an aspect may head several sections: those without a rating are ignored, and
     * its rated sections must agree.
     */
    private static ParseResult<Map<String, AspectRating>> aspectsFromSections(String text, Map<String, String> aspects,
                                                                             double min, double max) {
        record Heading(String key, String label, int start, int lineEnd) {
        }
        List<Heading> headings = new ArrayList<>();
        for (Map.Entry<String, String> aspect : aspects.entrySet()) {
            Matcher m = headingPattern(aspect.getValue()).matcher(text);
            boolean any = false;
            while (m.find()) {
                any = true;
                int lineEnd = text.indexOf('\n', m.start());
                headings.add(new Heading(aspect.getKey(), aspect.getValue(), m.start(), lineEnd < 0 ? text.length() : lineEnd));
            }
            if (!any) return ParseResult.unparsed("no section for '" + aspect.getValue() + "'");
        }
        headings.sort(Comparator.comparingInt(Heading::start));
        Map<String, List<String>> values = new LinkedHashMap<>();
        Map<String, String> rationales = new LinkedHashMap<>();
        for (int i = 0; i < headings.size(); i++) {
            Heading h = headings.get(i);
            int end = i + 1 < headings.size() ? headings.get(i + 1).start() : text.length();
            String section = text.substring(h.start(), end);
            List<String> found = new ArrayList<>();
            Matcher m = RATING_LABEL.matcher(section);
            while (m.find()) found.add(m.group(1));
            if (found.isEmpty()) {
                // "Helpfulness: 4" on the heading line itself.
                Matcher inline = Pattern.compile(labelRegex(h.label()) + "\\s*[:=\\-]\\s*(N\\s*/\\s*A|" + NUMBER + ")(?!\\w)", CI)
                        .matcher(text.substring(h.start(), h.lineEnd()));
                if (inline.find()) found.add(inline.group(1));
            }
            if (found.isEmpty()) continue;
            values.computeIfAbsent(h.key(), k -> new ArrayList<>()).addAll(found);
            Matcher why = RATIONALE_LABEL.matcher(section);
            if (why.find() && !rationales.containsKey(h.key())) {
                String rationale = section.substring(why.end()).strip();
                if (!rationale.isEmpty()) rationales.put(h.key(), rationale);
            }
        }
        Map<String, AspectRating> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> aspect : aspects.entrySet()) {
            List<String> found = values.get(aspect.getKey());
            if (found == null) return ParseResult.unparsed("no 'Rating:' for '" + aspect.getValue() + "'");
            List<String> distinct = found.stream().map(v -> v.replaceAll("\\s+", "").toUpperCase(Locale.ROOT))
                    .map(v -> v.equals("N/A") ? v : format(Double.parseDouble(v))).distinct().toList();
            if (distinct.size() > 1) {
                return ParseResult.unparsed("conflicting ratings " + distinct + " for '" + aspect.getValue() + "'");
            }
            Double rating = null;
            if (!distinct.getFirst().equals("N/A")) {
                ParseResult<Double> r = inRange(Double.parseDouble(distinct.getFirst()), min, max, false);
                if (r instanceof ParseResult.Unparsed<Double> u) return ParseResult.unparsed(aspect.getValue() + ": " + u.reason());
                rating = ((ParseResult.Parsed<Double>) r).value();
            }
            out.put(aspect.getKey(), new AspectRating(rating, rationales.get(aspect.getKey())));
        }
        return ParseResult.parsed(out);
    }

    private static ParseResult<Map<String, AspectRating>> checkAllRated(ParseResult<Map<String, AspectRating>> r) {
        if (r instanceof ParseResult.Parsed<Map<String, AspectRating>> p
                && p.value().values().stream().allMatch(AspectRating::notApplicable)) {
            return ParseResult.unparsed("every aspect was rated N/A");
        }
        return r;
    }

    /** A line that starts (after list bullets, numbering and markdown heading marks) with the aspect label. */
    private static Pattern headingPattern(String label) {
        // Horizontal whitespace only: with \\s the prefix could run across blank lines, quadratic on long outputs.
        return Pattern.compile("(?m)^[ \\t#>*\\-\\d.)]*" + labelRegex(label) + "\\b", CI);
    }

    /** "Instruction following" also matches "instruction_following" and "Instruction-Following". */
    private static String labelRegex(String label) {
        return java.util.Arrays.stream(label.strip().split("[\\s_-]+")).map(Pattern::quote)
                .collect(Collectors.joining("[\\s_-]*"));
    }

    private static String normaliseKey(String key) {
        return key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    }

    private static List<String> distinct(List<String> markers) {
        return markers.stream().map(s -> s.replaceAll("\\s+", "")).distinct().toList();
    }

    static String format(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
