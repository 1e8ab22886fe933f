package dev.distillery.generators.flows.agentinstruct;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.distillery.generators.flow.FlowConfigException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AgentInstruct's taxonomy, kept as editable YAML: the content transformations of flow 1 and the skills with their
 * task types of flow 2. The built-in file is {@code dev/distillery/generators/flows/agentinstruct/taxonomy.yaml};
 * a user's copy replaces it through the flows' {@code taxonomy} setting.
 *
 * <pre>{@code Taxonomy t = Taxonomy.load("");            // built-in
 * Taxonomy.Skill rc = t.skill("reading-comprehension");}</pre>
 *
 * @param origin          the file or resource it was read from
 * @param transformations transformation name to what the result should be
 * @param skills          skill name to skill
 */
public record Taxonomy(String origin, Map<String, String> transformations, Map<String, Skill> skills) {

    public static final String RESOURCE = "dev/distillery/generators/flows/agentinstruct/taxonomy.yaml";
    private static final YAMLMapper YAML = new YAMLMapper();
    private static volatile Taxonomy builtIn;

    /**
     * A skill.
     *
     * @param description     what the skill is
     * @param includeDocument whether the instruction carries the document (reading comprehension) or stands alone
     * @param taskTypes       task type name to its description
     */
    public record Skill(String description, boolean includeDocument, Map<String, String> taskTypes) {
    }

    /** The built-in taxonomy when {@code path} is empty, else the file at {@code path}; errors name file and field. */
    public static Taxonomy load(String path) {
        if (path == null || path.isBlank()) {
            Taxonomy t = builtIn;
            if (t == null) {
                try (InputStream in = Taxonomy.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                    if (in == null) throw new FlowConfigException(RESOURCE + ": built-in taxonomy missing from the class path");
                    t = parse("classpath:" + RESOURCE, YAML.readTree(in));
                } catch (IOException e) {
                    throw new FlowConfigException("classpath:" + RESOURCE + ": " + e.getMessage());
                }
                builtIn = t;
            }
            return t;
        }
        Path file = Path.of(path);
        if (!Files.isRegularFile(file)) throw new FlowConfigException(file + ": taxonomy file does not exist");
        try {
            return parse(file.toString(), YAML.readTree(file.toFile()));
        } catch (IOException e) {
            throw new FlowConfigException(file + ": not valid YAML: " + e.getMessage());
        }
    }

    public Skill skill(String name) {
        Skill s = skills.get(name);
        if (s == null) {
            throw new FlowConfigException(origin + ": no skill '" + name + "'; skills: " + String.join(", ", skills.keySet()));
        }
        return s;
    }

    static Taxonomy parse(String origin, JsonNode root) {
        if (root == null || !root.isObject()) throw new FlowConfigException(origin + ": expected a mapping with 'content-transformations' and 'skills'");
        Map<String, String> transformations = strings(origin, "content-transformations", root.get("content-transformations"));
        JsonNode skillsNode = root.get("skills");
        if (skillsNode == null || !skillsNode.isObject() || skillsNode.isEmpty()) {
            throw new FlowConfigException(origin + ": field 'skills' must be a non-empty mapping of skill name to skill");
        }
        Map<String, Skill> skills = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : skillsNode.properties()) {
            String field = "skills." + e.getKey();
            JsonNode s = e.getValue();
            if (!s.isObject()) throw new FlowConfigException(origin + ": field '" + field + "' must be a mapping");
            JsonNode d = s.get("description");
            if (d == null || !d.isTextual() || d.asText().isBlank()) {
                throw new FlowConfigException(origin + ": field '" + field + ".description' must be non-empty text");
            }
            JsonNode inc = s.get("include-document");
            if (inc != null && !inc.isBoolean()) throw new FlowConfigException(origin + ": field '" + field + ".include-document' must be true or false");
            skills.put(e.getKey(), new Skill(d.asText().strip(), inc != null && inc.asBoolean(),
                    strings(origin, field + ".task-types", s.get("task-types"))));
        }
        return new Taxonomy(origin, transformations, java.util.Collections.unmodifiableMap(skills));
    }

    private static Map<String, String> strings(String origin, String field, JsonNode node) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new FlowConfigException(origin + ": field '" + field + "' must be a non-empty mapping of name to description");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                throw new FlowConfigException(origin + ": field '" + field + "." + e.getKey() + "' must be non-empty text");
            }
            out.put(e.getKey(), e.getValue().asText().strip());
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
