package dev.distillery.judges.filter;

import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cheap language/charset gate: the share of letters written in the allowed Unicode scripts (letters only; digits,
 * punctuation, emoji and other COMMON/INHERITED characters do not count either way), plus no control characters
 * other than tab/newline/carriage return, and no U+FFFD replacement characters (the mark of a broken decode).
 * Not language identification: it tells Latin from Cyrillic or Han, not English from French.
 *
 * <pre>{@code Verifier f = new CharsetFilter(FilterField.RESPONSE, Set.of(Character.UnicodeScript.LATIN), 0.9, 0, 0);}</pre>
 *
 * @param field               which text to check
 * @param scripts             allowed scripts
 * @param minScriptShare      minimum share of letters in the allowed scripts, in [0, 1]; texts without letters pass
 * @param maxControlChars     how many control characters are tolerated
 * @param maxReplacementChars how many U+FFFD are tolerated
 */
public record CharsetFilter(FilterField field, Set<Character.UnicodeScript> scripts, double minScriptShare,
                            long maxControlChars, long maxReplacementChars) implements Verifier {

    public CharsetFilter {
        scripts = Set.copyOf(scripts);
        if (scripts.isEmpty()) throw new IllegalArgumentException("no allowed scripts");
        if (minScriptShare < 0 || minScriptShare > 1) throw new IllegalArgumentException("min_script_share must be within [0, 1]");
    }

    @Override
    public String name() {
        return "charset-filter";
    }

    @Override
    public Verdict judge(JudgeInput input) {
        String text = field.pick(input);
        long letters = 0;
        long allowed = 0;
        long control = 0;
        long replacement = 0;
        Map<Character.UnicodeScript, Long> others = new EnumMap<>(Character.UnicodeScript.class);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0xFFFD) replacement++;
            else if (Character.getType(cp) == Character.CONTROL && cp != '\n' && cp != '\t' && cp != '\r') control++;
            if (!Character.isLetter(cp)) continue;
            letters++;
            Character.UnicodeScript script = Character.UnicodeScript.of(cp);
            if (scripts.contains(script)) allowed++;
            else others.merge(script, 1L, Long::sum);
        }
        List<String> problems = new ArrayList<>();
        double share = letters == 0 ? 1 : (double) allowed / letters;
        if (share < minScriptShare) {
            problems.add(String.format(java.util.Locale.ROOT, "%.3f of letters in %s < min_script_share %s (others: %s)",
                    share, scripts, minScriptShare, others));
        }
        if (control > maxControlChars) problems.add(control + " control character(s) > max_control_chars " + maxControlChars);
        if (replacement > maxReplacementChars) {
            problems.add(replacement + " U+FFFD replacement character(s) > max_replacement_chars " + maxReplacementChars);
        }
        if (problems.isEmpty()) {
            return new Verdict.Scored(name(), 1, String.format(java.util.Locale.ROOT, "pass: %.3f of %d letters in %s",
                    share, letters, scripts));
        }
        return new Verdict.Scored(name(), 0, "fail: " + String.join("; ", problems));
    }
}
