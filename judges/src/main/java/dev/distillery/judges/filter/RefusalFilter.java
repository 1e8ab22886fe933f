package dev.distillery.judges.filter;

import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Drops refusals and AI self-references ("As an AI language model, I cannot ...") with a curated phrase list
 * ({@link RefusalPhrases}): case-insensitive, on word bounds, with exclusions so that "I can't wait" or "I'm sorry to
 * hear that" are not refusals, and with clarifying questions ("Sorry, could you please ...") not counted as refusal
 * openers. Passes (1) when nothing counts; fails (0) naming the phrase found and where.
 *
 * <pre>{@code Verifier f = new RefusalFilter(FilterField.RESPONSE, RefusalPhrases.builtIn(), RefusalFilter.ALL);}</pre>
 *
 * @param field      which text to check
 * @param phrases    the phrase list
 * @param categories which of REFUSAL, OPENER, SELF_REFERENCE count
 */
public record RefusalFilter(FilterField field, RefusalPhrases phrases, Set<RefusalPhrases.Section> categories) implements Verifier {

    /** The three categories that can make a text fail. */
    public static final Set<RefusalPhrases.Section> ALL = Set.copyOf(EnumSet.of(
            RefusalPhrases.Section.REFUSAL, RefusalPhrases.Section.OPENER, RefusalPhrases.Section.SELF_REFERENCE));

    public RefusalFilter {
        categories = Set.copyOf(categories);
        for (RefusalPhrases.Section s : categories) {
            if (!ALL.contains(s)) throw new IllegalArgumentException(s + " is not a category that can fail a text");
        }
        if (categories.isEmpty()) throw new IllegalArgumentException("no categories: the filter would pass everything");
    }

    @Override
    public String name() {
        return "refusal-filter";
    }

    @Override
    public Verdict judge(JudgeInput input) {
        String text = RefusalPhrases.normalise(field.pick(input));
        List<int[]> excluded = spans(text, phrases.get(RefusalPhrases.Section.EXCLUSION));
        for (RefusalPhrases.Section category : List.of(RefusalPhrases.Section.SELF_REFERENCE, RefusalPhrases.Section.REFUSAL)) {
            if (!categories.contains(category)) continue;
            for (String phrase : phrases.get(category)) {
                for (int[] hit : spans(text, List.of(phrase))) {
                    if (!inside(hit[0], excluded)) {
                        return fail(category, phrase, hit[0], text);
                    }
                }
            }
        }
        if (categories.contains(RefusalPhrases.Section.OPENER)) {
            String start = stripLeading(text);
            int offset = text.length() - start.length();
            boolean clarifying = !spans(text, phrases.get(RefusalPhrases.Section.CLARIFICATION)).isEmpty();
            for (String phrase : phrases.get(RefusalPhrases.Section.OPENER)) {
                if (start.startsWith(phrase) && boundaryAfter(start, phrase.length()) && !inside(offset, excluded) && !clarifying) {
                    return fail(RefusalPhrases.Section.OPENER, phrase, offset, text);
                }
            }
        }
        return new Verdict.Scored(name(), 1, "pass: no refusal or self-reference phrase");
    }

    private Verdict fail(RefusalPhrases.Section category, String phrase, int at, String text) {
        String context = text.substring(Math.max(0, at - 20), Math.min(text.length(), at + phrase.length() + 30));
        return new Verdict.Scored(name(), 0, "fail: " + category.name().toLowerCase(java.util.Locale.ROOT)
                + " phrase '" + phrase + "' at character " + at + ": \"" + context + "\"");
    }

    /** Every occurrence of every phrase on word bounds, as {start, end}. */
    private static List<int[]> spans(String text, List<String> phrases) {
        List<int[]> out = new ArrayList<>();
        for (String p : phrases) {
            int from = 0;
            int at;
            while ((at = text.indexOf(p, from)) >= 0) {
                if ((at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1))) && boundaryAfter(text, at + p.length())) {
                    out.add(new int[]{at, at + p.length()});
                }
                from = at + 1;
            }
        }
        return out;
    }

    private static boolean boundaryAfter(String text, int end) {
        return end >= text.length() || !Character.isLetterOrDigit(text.charAt(end))
                || !Character.isLetterOrDigit(text.charAt(end - 1));
    }

    private static boolean inside(int position, List<int[]> spans) {
        for (int[] s : spans) if (position >= s[0] && position < s[1]) return true;
        return false;
    }

    private static String stripLeading(String text) {
        int i = 0;
        while (i < text.length() && (Character.isWhitespace(text.charAt(i)) || "\"'*_>".indexOf(text.charAt(i)) >= 0)) i++;
        return text.substring(i);
    }
}
