package dev.distillery.judges.verify;

import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passes when the response matches a regular expression (somewhere, or as a whole), or, negated, when it does not.
 *
 * <pre>{@code
 * Verifier v = new RegexVerifier(Pattern.compile("^Answer: [A-D]$", Pattern.MULTILINE), false, false);
 * }</pre>
 *
 * @param pattern   the expression, compiled with its flags
 * @param fullMatch the whole response must match, instead of some part of it
 * @param negate    pass when there is no match
 */
public record RegexVerifier(Pattern pattern, boolean fullMatch, boolean negate) implements Verifier {

    public RegexVerifier {
        if (pattern == null) throw new IllegalArgumentException("pattern is required");
    }

    @Override
    public String name() {
        return "regex:" + pattern.pattern();
    }

    @Override
    public Verdict judge(JudgeInput input) {
        String response = input.response() == null ? "" : input.response();
        Matcher m = pattern.matcher(response);
        boolean matched = fullMatch ? m.matches() : m.find();
        String what = matched
                ? "matched '" + MatchVerifier.abbreviate(m.group()) + "' at offset " + m.start()
                : "no " + (fullMatch ? "full " : "") + "match for /" + pattern.pattern() + "/";
        boolean pass = matched != negate;
        return new Verdict.Scored(name(), pass ? 1 : 0,
                (pass ? "pass: " : "fail: ") + what + (negate ? " (negated: a match fails)" : ""));
    }
}
