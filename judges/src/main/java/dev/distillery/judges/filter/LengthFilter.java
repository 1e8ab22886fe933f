package dev.distillery.judges.filter;

import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps texts whose length is within bounds, in characters (code points) and in words (whitespace-separated tokens
 * containing a letter or digit). A whitespace-only text always fails. A bound of 0 for a maximum means "no maximum".
 * Defaults (see docs/verifiers.md): at least 1 word, at most 100,000 words (Gopher's document upper bound), no
 * character bounds.
 *
 * <pre>{@code Verifier f = new LengthFilter(FilterField.RESPONSE, 0, 4000, 1, 0);}</pre>
 */
public record LengthFilter(FilterField field, long minChars, long maxChars, long minWords, long maxWords) implements Verifier {
    private static final Pattern WORD = Pattern.compile("\\S*[\\p{L}\\p{N}]\\S*");

    public LengthFilter {
        if (minChars < 0 || maxChars < 0 || minWords < 0 || maxWords < 0) throw new IllegalArgumentException("bounds must be >= 0");
        if (maxChars > 0 && maxChars < minChars) throw new IllegalArgumentException("max_chars " + maxChars + " < min_chars " + minChars);
        if (maxWords > 0 && maxWords < minWords) throw new IllegalArgumentException("max_words " + maxWords + " < min_words " + minWords);
    }

    @Override
    public String name() {
        return "length-filter";
    }

    @Override
    public Verdict judge(JudgeInput input) {
        String text = field.pick(input);
        if (text.isBlank()) return new Verdict.Scored(name(), 0, "fail: " + field.name().toLowerCase() + " is empty or whitespace only");
        long chars = text.codePointCount(0, text.length());
        long words = words(text);
        List<String> problems = new ArrayList<>();
        if (chars < minChars) problems.add(chars + " characters < min_chars " + minChars);
        if (maxChars > 0 && chars > maxChars) problems.add(chars + " characters > max_chars " + maxChars);
        if (words < minWords) problems.add(words + " words < min_words " + minWords);
        if (maxWords > 0 && words > maxWords) problems.add(words + " words > max_words " + maxWords);
        String measured = chars + " characters, " + words + " words";
        return problems.isEmpty()
                ? new Verdict.Scored(name(), 1, "pass: " + measured)
                : new Verdict.Scored(name(), 0, "fail: " + String.join("; ", problems));
    }

    static long words(String text) {
        Matcher m = WORD.matcher(text);
        long n = 0;
        while (m.find()) n++;
        return n;
    }
}
