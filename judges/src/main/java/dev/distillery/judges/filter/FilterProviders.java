package dev.distillery.judges.filter;

import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.verify.DidYouMean;
import dev.distillery.judges.verify.VerifierSettings;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@link JudgeProvider}s of the heuristic filters, registered as {@code length-filter}, {@code repetition-filter},
 * {@code refusal-filter} and {@code charset-filter}. Every setting's default is listed by {@code parameters()} and in
 * docs/verifiers.md.
 */
public final class FilterProviders {
    private FilterProviders() {
    }

    private static final JudgeParameter FIELD = new JudgeParameter("field", "which text to check: response | prompt", "response");

    private static FilterField field(VerifierSettings s) {
        return FilterField.parse(s.choice("field", "response", List.of("response", "prompt")));
    }

    private static Judge build(VerifierSettings s, java.util.function.Supplier<Judge> factory) {
        try {
            return factory.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s.source() + ": " + e.getMessage(), e);
        }
    }

    /** {@code length-filter}: characters and words within bounds. */
    public static final class Length implements JudgeProvider {
        @Override
        public String name() {
            return "length-filter";
        }

        @Override
        public String description() {
            return "Length bounds in characters and words; empty or whitespace-only text fails";
        }

        @Override
        public Kind kind() {
            return Kind.VERIFIER;
        }

        @Override
        public List<JudgeParameter> parameters() {
            return List.of(FIELD,
                    new JudgeParameter("min_chars", "minimum characters (code points)", "0"),
                    new JudgeParameter("max_chars", "maximum characters; 0 = none", "0"),
                    new JudgeParameter("min_words", "minimum words", "1"),
                    new JudgeParameter("max_words", "maximum words; 0 = none (Gopher: 100000)", "100000"));
        }

        @Override
        public Judge createJudge(JudgeConfig config) {
            VerifierSettings s = VerifierSettings.of(config, parameters());
            FilterField f = field(s);
            long minChars = s.count("min_chars", 0);
            long maxChars = s.count("max_chars", 0);
            long minWords = s.count("min_words", 1);
            long maxWords = s.count("max_words", 100_000);
            return build(s, () -> new LengthFilter(f, minChars, maxChars, minWords, maxWords));
        }
    }

    /** {@code repetition-filter}: Gopher repetition maxima. */
    public static final class Repetition implements JudgeProvider {
        @Override
        public String name() {
            return "repetition-filter";
        }

        @Override
        public String description() {
            return "Gopher repetition rules: duplicate lines/paragraphs, top 2-4-gram and duplicate 5-10-gram shares";
        }

        @Override
        public Kind kind() {
            return Kind.VERIFIER;
        }

        @Override
        public List<JudgeParameter> parameters() {
            List<JudgeParameter> out = new ArrayList<>();
            out.add(FIELD);
            RepetitionFilter.DEFAULTS.forEach((k, v) -> out.add(new JudgeParameter(k, "maximum allowed (Gopher default)", v.toString())));
            return List.copyOf(out);
        }

        @Override
        public Judge createJudge(JudgeConfig config) {
            VerifierSettings s = VerifierSettings.of(config, parameters());
            FilterField f = field(s);
            Map<String, Double> thresholds = new HashMap<>();
            for (String k : RepetitionFilter.DEFAULTS.keySet()) if (s.has(k)) thresholds.put(k, s.number(k, 0));
            return build(s, () -> new RepetitionFilter(f, thresholds));
        }
    }

    /** {@code refusal-filter}: curated refusal and self-reference phrases. */
    public static final class Refusal implements JudgeProvider {
        private static final List<String> CATEGORIES = List.of("refusal", "opener", "self_reference");

        @Override
        public String name() {
            return "refusal-filter";
        }

        @Override
        public String description() {
            return "Refusals and 'as an AI' self-references from a curated phrase list, with exclusions";
        }

        @Override
        public Kind kind() {
            return Kind.VERIFIER;
        }

        @Override
        public List<JudgeParameter> parameters() {
            return List.of(FIELD,
                    new JudgeParameter("categories", "which count: refusal, opener, self_reference", "[refusal, opener, self_reference]"),
                    new JudgeParameter("extra_phrases", "more [refusal] phrases", "[]"),
                    new JudgeParameter("extra_exclusions", "more [exclusion] phrases", "[]"));
        }

        @Override
        public Judge createJudge(JudgeConfig config) {
            VerifierSettings s = VerifierSettings.of(config, parameters());
            FilterField f = field(s);
            Set<RefusalPhrases.Section> categories = EnumSet.noneOf(RefusalPhrases.Section.class);
            List<String> names = s.has("categories") ? s.strings("categories") : CATEGORIES;
            for (String c : names) {
                if (!CATEGORIES.contains(c)) throw s.error("categories", "unknown category '" + c + "'" + DidYouMean.hint(c, CATEGORIES));
                categories.add(RefusalPhrases.Section.valueOf(c.toUpperCase(Locale.ROOT)));
            }
            RefusalPhrases phrases = RefusalPhrases.builtIn()
                    .with(RefusalPhrases.Section.REFUSAL, s.strings("extra_phrases"))
                    .with(RefusalPhrases.Section.EXCLUSION, s.strings("extra_exclusions"));
            return build(s, () -> new RefusalFilter(f, phrases, categories));
        }
    }

    /** {@code charset-filter}: letters in allowed scripts, no control or replacement characters. */
    public static final class Charset implements JudgeProvider {
        @Override
        public String name() {
            return "charset-filter";
        }

        @Override
        public String description() {
            return "Share of letters in allowed Unicode scripts; control and U+FFFD replacement characters";
        }

        @Override
        public Kind kind() {
            return Kind.VERIFIER;
        }

        @Override
        public List<JudgeParameter> parameters() {
            return List.of(FIELD,
                    new JudgeParameter("scripts", "allowed Unicode scripts (java.lang.Character.UnicodeScript names)", "[LATIN]"),
                    new JudgeParameter("min_script_share", "minimum share of letters in the allowed scripts", "0.9"),
                    new JudgeParameter("max_control_chars", "control characters tolerated (tab, LF, CR never count)", "0"),
                    new JudgeParameter("max_replacement_chars", "U+FFFD characters tolerated", "0"));
        }

        @Override
        public Judge createJudge(JudgeConfig config) {
            VerifierSettings s = VerifierSettings.of(config, parameters());
            FilterField f = field(s);
            Set<Character.UnicodeScript> scripts = EnumSet.noneOf(Character.UnicodeScript.class);
            List<String> names = s.has("scripts") ? s.strings("scripts") : List.of("LATIN");
            List<String> known = java.util.Arrays.stream(Character.UnicodeScript.values()).map(Enum::name).toList();
            for (String n : names) {
                String upper = n.toUpperCase(Locale.ROOT);
                if (!known.contains(upper)) throw s.error("scripts", "unknown script '" + n + "'" + DidYouMean.hint(upper, known));
                scripts.add(Character.UnicodeScript.valueOf(upper));
            }
            double share = s.number("min_script_share", 0.9);
            long control = s.count("max_control_chars", 0);
            long replacement = s.count("max_replacement_chars", 0);
            return build(s, () -> new CharsetFilter(f, scripts, share, control, replacement));
        }
    }
}
