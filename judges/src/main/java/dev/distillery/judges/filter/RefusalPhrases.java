package dev.distillery.judges.filter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The curated phrase list of {@link RefusalFilter}, by section. The built-in list is the resource
 * {@code refusal-phrases.txt} next to this class; its format (sections in brackets, one phrase a line, {@code #}
 * comments) is documented at the top of that file.
 *
 * <pre>{@code RefusalPhrases phrases = RefusalPhrases.builtIn().with(Section.REFUSAL, List.of("no can do"));}</pre>
 *
 * @param sections normalised phrases by section
 */
public record RefusalPhrases(Map<Section, List<String>> sections) {

    /** The sections of the phrase file. */
    public enum Section { REFUSAL, OPENER, SELF_REFERENCE, EXCLUSION, CLARIFICATION }

    private static final String RESOURCE = "refusal-phrases.txt";

    public RefusalPhrases {
        Map<Section, List<String>> copy = new EnumMap<>(Section.class);
        for (Section s : Section.values()) copy.put(s, List.copyOf(sections.getOrDefault(s, List.of())));
        sections = java.util.Collections.unmodifiableMap(copy);
    }

    public List<String> get(Section section) {
        return sections.get(section);
    }

    /** The list shipped with Distillery. */
    public static RefusalPhrases builtIn() {
        try (InputStream in = RefusalPhrases.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the phrase file format; an unknown section is an error naming the line. */
    public static RefusalPhrases parse(String text, String source) {
        Map<Section, List<String>> out = new EnumMap<>(Section.class);
        Section current = null;
        int lineNo = 0;
        try (BufferedReader r = new BufferedReader(new java.io.StringReader(text))) {
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) continue;
                if (t.startsWith("[") && t.endsWith("]")) {
                    String name = t.substring(1, t.length() - 1).toUpperCase(Locale.ROOT);
                    try {
                        current = Section.valueOf(name);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(source + ":" + lineNo + ": unknown section " + t);
                    }
                    continue;
                }
                if (current == null) throw new IllegalArgumentException(source + ":" + lineNo + ": phrase before any [section]");
                out.computeIfAbsent(current, k -> new ArrayList<>()).add(normalise(t));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RefusalPhrases(out);
    }

    /** A copy with {@code more} phrases added to {@code section}. */
    public RefusalPhrases with(Section section, List<String> more) {
        Map<Section, List<String>> copy = new EnumMap<>(sections);
        List<String> list = new ArrayList<>(copy.get(section));
        for (String p : more) list.add(normalise(p));
        copy.put(section, list);
        return new RefusalPhrases(copy);
    }

    /** Lower case, straight apostrophes and quotes, single spaces: how both phrases and texts are compared. */
    static String normalise(String s) {
        String t = s.toLowerCase(Locale.ROOT)
                .replace('\u2019', '\'').replace('\u2018', '\'').replace('\u201C', '"').replace('\u201D', '"');
        return t.replaceAll("\\s+", " ").strip();
    }
}
