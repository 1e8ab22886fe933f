package dev.distillery.judges.llm;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A judge prompt: the text of a system message and a user message with {@code {{variable}}} placeholders.
 *
 * <p>Built-in prompts are resources under {@code dev/distillery/judges/prompts/<name>.txt}; a file of the same name in
 * a user's prompt directory ({@link dev.distillery.judges.spi.JudgeConfig#promptDir()}) replaces the built-in one. A
 * file holds an optional {@code === system ===} section and a {@code === user ===} section; without section lines
 * the whole file is the user message.
 *
 * <pre>{@code
 * PromptTemplate t = PromptTemplate.load("single-v1", config.promptDir());
 * List<ChatMessage> messages = t.render(Map.of("question", q, "answer", a));
 * }</pre>
 *
 * @param name   the prompt's name, e.g. {@code single-v1}
 * @param source where the text came from (file path or {@code classpath:...}), for error messages
 * @param system the system message text, or null
 * @param user   the user message text
 */
public record PromptTemplate(String name, String source, String system, String user) {

    private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_-]*)\\s*}}");
    private static final String SYSTEM_HEADER = "=== system ===";
    private static final String USER_HEADER = "=== user ===";
    private static final String RESOURCE_DIR = "/dev/distillery/judges/prompts/";

    /**
     * The prompt called {@code name}: {@code overrideDir/<name>.txt} when that file exists, else the built-in one.
     *
     * @throws IllegalArgumentException when neither exists, or the file is malformed
     */
    public static PromptTemplate load(String name, Path overrideDir) {
        if (overrideDir != null) {
            Path file = overrideDir.resolve(name + ".txt");
            if (Files.isRegularFile(file)) {
                try {
                    return parse(name, file.toString(), Files.readString(file, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read prompt file " + file, e);
                }
            }
        }
        String resource = RESOURCE_DIR + name + ".txt";
        try (InputStream in = PromptTemplate.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no prompt named '" + name + "': looked for "
                        + (overrideDir == null ? "" : overrideDir.resolve(name + ".txt") + " and ")
                        + "classpath:" + resource);
            }
            return parse(name, "classpath:" + resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read prompt resource " + resource, e);
        }
    }

    /** Parses prompt text in the file format described on the class; {@code source} names it in errors. */
    public static PromptTemplate parse(String name, String source, String text) {
        String normalised = text.replace("\r\n", "\n");
        List<String> lines = List.of(normalised.split("\n", -1));
        int systemAt = -1;
        int userAt = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.equals(SYSTEM_HEADER)) {
                if (systemAt >= 0) throw new IllegalArgumentException(source + " line " + (i + 1) + ": a second '" + SYSTEM_HEADER + "' section");
                systemAt = i;
            } else if (line.equals(USER_HEADER)) {
                if (userAt >= 0) throw new IllegalArgumentException(source + " line " + (i + 1) + ": a second '" + USER_HEADER + "' section");
                userAt = i;
            }
        }
        if (systemAt < 0 && userAt < 0) return new PromptTemplate(name, source, null, normalised.strip());
        if (userAt < 0) throw new IllegalArgumentException(source + ": has a '" + SYSTEM_HEADER + "' section but no '" + USER_HEADER + "' section");
        if (systemAt > userAt) throw new IllegalArgumentException(source + ": the '" + SYSTEM_HEADER + "' section must come before '" + USER_HEADER + "'");
        String system = systemAt < 0 ? null : String.join("\n", lines.subList(systemAt + 1, userAt)).strip();
        String user = String.join("\n", lines.subList(userAt + 1, lines.size())).strip();
        if (user.isEmpty()) throw new IllegalArgumentException(source + ": the '" + USER_HEADER + "' section is empty");
        return new PromptTemplate(name, source, system == null || system.isEmpty() ? null : system, user);
    }

    /** Every {@code {{variable}}} the prompt uses. */
    public Set<String> variables() {
        Set<String> vars = new LinkedHashSet<>();
        for (String part : system == null ? List.of(user) : List.of(system, user)) {
            Matcher m = VARIABLE.matcher(part);
            while (m.find()) vars.add(m.group(1));
        }
        return vars;
    }

    /**
     * Checks, when a judge is built rather than on its first item, that the prompt needs nothing beyond what the
     * judge supplies; a user-edited prompt with a typo fails here with the file named.
     */
    public PromptTemplate requireOnly(Collection<String> supplied) {
        Set<String> unknown = new TreeSet<>(variables());
        unknown.removeAll(supplied);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("prompt " + source + " uses " + braces(unknown)
                    + " but this judge supplies only " + braces(new TreeSet<>(supplied)));
        }
        return this;
    }

    /**
     * The messages to send: placeholders replaced by {@code values} in one pass, so that text inside an answer that
     * looks like a placeholder stays as it is.
     *
     * @throws IllegalArgumentException when the prompt uses a variable missing from {@code values}
     */
    public List<ChatMessage> render(Map<String, String> values) {
        List<ChatMessage> messages = new ArrayList<>(2);
        if (system != null) messages.add(SystemMessage.from(substitute(system, values)));
        messages.add(UserMessage.from(substitute(user, values)));
        return messages;
    }

    private String substitute(String text, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 256);
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("prompt " + source + " uses {{" + m.group(1)
                        + "}} but no value was given for it; given: " + braces(new TreeSet<>(values.keySet())));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String braces(Collection<String> names) {
        return names.stream().map(n -> "{{" + n + "}}").toList().toString();
    }
}
