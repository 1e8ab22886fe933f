package dev.distillery.sandbox.world;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A skill defined by phrasing templates with typed slots: {@code {a}} and {@code {b}} (whole numbers), {@code {w}}
 * (words separated by spaces), {@code {c}} (one letter) and {@code {s}} (one word). Each template is also compiled to
 * a regex, so the skill recognises its instructions wherever they appear.
 */
abstract class PhrasedSkill implements Skill {

    private static final Map<String, String> SLOT_REGEX = Map.of(
            "a", "(?<a>-?\\d+)", "b", "(?<b>-?\\d+)", "w", "(?<w>[a-z]+(?: [a-z]+)*)",
            "c", "'(?<c>[a-z])'", "s", "'(?<s>[a-z]+)'");
    private static final Pattern SLOT = Pattern.compile("\\{([abwcs])}");

    private final String name;
    private final String description;
    private final List<String> templates;
    private final List<Pattern> patterns = new ArrayList<>();

    PhrasedSkill(String name, String description, List<String> templates) {
        this.name = name;
        this.description = description;
        this.templates = List.copyOf(templates);
        for (String t : templates) patterns.add(compile(t));
    }

    private static Pattern compile(String template) {
        StringBuilder re = new StringBuilder();
        Matcher m = SLOT.matcher(template);
        int last = 0;
        while (m.find()) {
            re.append(Pattern.quote(template.substring(last, m.start()))).append(SLOT_REGEX.get(m.group(1)));
            last = m.end();
        }
        re.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    List<String> templates() {
        return templates;
    }

    /** Operands by slot name, in slot order; the subclass draws them. */
    abstract Map<String, String> drawSlots(SplittableRandom rng);

    /** The exact answer for these slots. */
    abstract String answer(Map<String, String> slots);

    @Override
    public Task sample(SplittableRandom rng) {
        Map<String, String> slots = drawSlots(rng);
        String template = templates.get(rng.nextInt(templates.size()));
        return task(template, slots);
    }

    Task task(String template, Map<String, String> slots) {
        String text = template;
        for (var e : slots.entrySet()) {
            String v = e.getKey().equals("c") || e.getKey().equals("s") ? "'" + e.getValue() + "'" : e.getValue();
            text = text.replace("{" + e.getKey() + "}", v);
        }
        // Operands in slot-name order, whatever order a phrasing mentions them in: the task's identity.
        return new Task(name, text, answer(slots), new ArrayList<>(new java.util.TreeMap<>(slots).values()));
    }

    @Override
    public Optional<Task> parse(String text) {
        for (int i = 0; i < patterns.size(); i++) {
            Matcher m = patterns.get(i).matcher(text);
            if (m.find()) {
                Map<String, String> slots = new LinkedHashMap<>();
                Matcher s = SLOT.matcher(templates.get(i));
                while (s.find()) slots.put(s.group(1), m.group(s.group(1)).toLowerCase());
                if (!valid(slots)) continue;
                return Optional.of(task(templates.get(i), slots));
            }
        }
        return Optional.empty();
    }

    /** Whether parsed slots form a task of this skill (e.g. compare needs two different numbers). */
    boolean valid(Map<String, String> slots) {
        return true;
    }

    // ---- answer checks shared by the skills ----------------------------------------------------------------------

    private static final Pattern INTEGER = Pattern.compile("-?\\d+");

    /** The last whole number in the response equals the answer: "85", "The answer is 85." and "= 85" all pass. */
    static boolean lastNumberIs(String response, String answer) {
        Matcher m = INTEGER.matcher(response);
        String last = null;
        while (m.find()) last = m.group();
        return last != null && last.equals(answer);
    }

    /** The response's last non-empty line, without surrounding punctuation, equals the answer (case-insensitive). */
    static boolean lastLineIs(String response, String answer, boolean caseSensitive) {
        String[] lines = response.strip().split("\\R");
        String last = lines[lines.length - 1].strip();
        int colon = last.lastIndexOf(':');
        if (colon >= 0 && colon < last.length() - 1) last = last.substring(colon + 1).strip();
        last = last.replaceAll("^[\"'`*]+|[\"'`*.!]+$", "").replaceAll("\\s+", " ");
        return caseSensitive ? last.equals(answer) : last.equalsIgnoreCase(answer);
    }
}
