package dev.distillery.judges.llm;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A Prometheus-style score rubric: a criterion question and a description of each score from 1 to 5. Rubrics are
 * YAML files a user can edit:
 *
 * <pre>
 * criterion: Is the answer helpful?
 * score1: ...
 * score2: ...
 * score3: ...
 * score4: ...
 * score5: ...
 * </pre>
 *
 * Built-ins ({@link #BUILT_IN}) ship as resources under {@code dev/distillery/judges/rubrics/}.
 *
 * <pre>{@code Rubric r = Rubric.resolve("helpfulness"); Rubric mine = Rubric.load(Path.of("rubrics/tone.yaml"));}</pre>
 *
 * @param name         the rubric's name (file name without extension)
 * @param criterion    the question the judge answers
 * @param descriptions what scores 1 to 5 mean, in order
 */
public record Rubric(String name, String criterion, List<String> descriptions) {
    public static final Set<String> BUILT_IN = Set.of("helpfulness", "harmlessness", "honesty", "factual-validity", "reasoning");
    public static final int SCORES = 5;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> FIELDS = List.of("criterion", "score1", "score2", "score3", "score4", "score5");

    public Rubric {
        if (criterion == null || criterion.isBlank()) throw new IllegalArgumentException("rubric " + name + ": empty criterion");
        descriptions = List.copyOf(descriptions);
        if (descriptions.size() != SCORES) {
            throw new IllegalArgumentException("rubric " + name + ": needs " + SCORES + " score descriptions, got " + descriptions.size());
        }
    }

    /** A built-in rubric by name, or else a rubric file at that path. */
    public static Rubric resolve(String nameOrPath) {
        if (BUILT_IN.contains(nameOrPath)) return builtIn(nameOrPath);
        Path file = Path.of(nameOrPath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("rubric '" + nameOrPath + "' is neither a built-in rubric " + BUILT_IN.stream().sorted().toList()
                    + " nor an existing file");
        }
        return load(file);
    }

    public static Rubric builtIn(String name) {
        String resource = "/dev/distillery/judges/rubrics/" + name + ".yaml";
        try (InputStream in = Rubric.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalArgumentException("no built-in rubric '" + name + "'; built-ins: " + BUILT_IN.stream().sorted().toList());
            return parse(name, "classpath:" + resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a rubric file; errors name the file, and the field or line at fault. */
    public static Rubric load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rubric file " + file, e);
        }
        String fileName = file.getFileName().toString();
        String name = fileName.replaceFirst("\\.(ya?ml)$", "");
        return parse(name, file.toString(), text);
    }

    /** Parses rubric YAML; {@code source} names it in errors. */
    public static Rubric parse(String name, String source, String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException(source + (at == null ? "" : " line " + at.getLineNr())
                    + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": a rubric is a mapping with fields " + FIELDS);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException(source + ": unknown field '" + field + "'; a rubric has " + FIELDS);
            }
        }
        String criterion = text(root, "criterion", source);
        List<String> descriptions = new ArrayList<>(SCORES);
        for (int s = 1; s <= SCORES; s++) descriptions.add(text(root, "score" + s, source));
        return new Rubric(name, criterion, descriptions);
    }

    private static String text(JsonNode root, String field, String source) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) throw new IllegalArgumentException(source + ": missing field '" + field + "'");
        if (!v.isValueNode()) throw new IllegalArgumentException(source + ": field '" + field + "' must be text, got " + v.getNodeType().toString().toLowerCase());
        String s = v.asText().strip();
        if (s.isEmpty()) throw new IllegalArgumentException(source + ": field '" + field + "' is empty");
        return s;
    }

    /** The rubric as the prompt shows it: {@code [criterion]} then one {@code Score n: ...} line per score. */
    public String render() {
        StringBuilder sb = new StringBuilder("[").append(criterion).append("]");
        for (int i = 0; i < descriptions.size(); i++) sb.append("\nScore ").append(i + 1).append(": ").append(descriptions.get(i));
        return sb.toString();
    }
}
