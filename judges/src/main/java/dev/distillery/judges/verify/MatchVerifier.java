package dev.distillery.judges.verify;

import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Compares a response with the reference answer (or a fixed list of accepted answers) after a chosen normalisation,
 * either as a whole or as a contained phrase.
 *
 * <pre>{@code
 * Verifier v = new MatchVerifier(MatchVerifier.Normalisation.SQUAD, false, List.of());
 * v.judge(new JudgeInput("Capital of France?", "The Paris.", "Paris"));  // score 1
 * }</pre>
 *
 * @param normalisation how both sides are normalised before comparing
 * @param contains      pass when the normalised answer occurs inside the normalised response (on word bounds)
 * @param accepted      fixed accepted answers; when empty, the input's reference is the one accepted answer
 */
public record MatchVerifier(Normalisation normalisation, boolean contains, List<String> accepted) implements Verifier {

    /** How text is normalised before comparing. */
    public enum Normalisation {
        /** Only surrounding whitespace is ignored. */
        EXACT,
        /** Unicode NFKC, lower case, runs of whitespace collapsed, trailing {@code . ! ?} dropped. */
        NORMALISED,
        /** As SQuAD's evaluation: lower case, punctuation and the articles a/an/the removed, whitespace collapsed. */
        SQUAD
    }

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern PUNCTUATION = Pattern.compile("\\p{P}+");
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");

    public MatchVerifier {
        accepted = accepted == null ? List.of() : List.copyOf(accepted);
        if (normalisation == null) throw new IllegalArgumentException("normalisation is required");
    }

    @Override
    public String name() {
        return "match:" + normalisation.name().toLowerCase(Locale.ROOT) + (contains ? ":contains" : "");
    }

    @Override
    public Verdict judge(JudgeInput input) {
        List<String> answers = accepted.isEmpty()
                ? (input.reference() == null ? List.of() : List.of(input.reference()))
                : accepted;
        if (answers.isEmpty()) return new Verdict.Failed(name(), "no reference answer to compare with", null);
        String response = normalise(input.response() == null ? "" : input.response());
        for (String answer : answers) {
            String a = normalise(answer);
            if (a.isEmpty()) return new Verdict.Failed(name(), "reference '" + answer + "' normalises to nothing", null);
            boolean hit = contains
                    ? Pattern.compile("(^|\\W)" + Pattern.quote(a) + "($|\\W)").matcher(response).find()
                    : response.equals(a);
            if (hit) {
                return new Verdict.Scored(name(), 1, "pass: response " + (contains ? "contains" : "equals")
                        + " '" + a + "' after " + normalisation.name().toLowerCase(Locale.ROOT) + " normalisation");
            }
        }
        return new Verdict.Scored(name(), 0, "fail: normalised response '" + abbreviate(response) + "' "
                + (contains ? "contains none of " : "matches none of ") + answers.stream().map(this::normalise).toList());
    }

    /** The text as this verifier compares it. */
    public String normalise(String text) {
        return switch (normalisation) {
            case EXACT -> text.strip();
            case NORMALISED -> {
                String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
                s = WHITESPACE.matcher(s).replaceAll(" ").strip();
                while (!s.isEmpty() && ".!?".indexOf(s.charAt(s.length() - 1)) >= 0) s = s.substring(0, s.length() - 1).strip();
                yield s;
            }
            case SQUAD -> {
                String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
                s = PUNCTUATION.matcher(s).replaceAll("");
                s = ARTICLES.matcher(s).replaceAll(" ");
                yield WHITESPACE.matcher(s).replaceAll(" ").strip();
            }
        };
    }

    static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
