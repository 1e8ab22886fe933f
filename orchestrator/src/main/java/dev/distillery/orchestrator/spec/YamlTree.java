package dev.distillery.orchestrator.spec;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers the line of every value, so that spec validation can say
 * {@code pipeline.yaml:14: stages[3].flow: ...} for every problem at once (Jackson's tree forgets locations).
 */
sealed interface YamlTree permits YamlTree.Scalar, YamlTree.Mapping, YamlTree.Sequence {

    /** 1-based line where the value starts. */
    int line();

    /** A scalar with YAML's resolved type: string, int, float, bool or null. */
    record Scalar(String text, Kind kind, int line) implements YamlTree {
        enum Kind { STRING, INT, FLOAT, BOOL, NULL }

        Object value() {
            return switch (kind) {
                case STRING -> text;
                case INT -> Long.parseLong(text.replace("_", ""));
                case FLOAT -> Double.parseDouble(text.replace("_", ""));
                case BOOL -> Boolean.parseBoolean(text.toLowerCase(java.util.Locale.ROOT));
                case NULL -> null;
            };
        }
    }

    /** A mapping in file order; {@code keyLines} holds each key's own line. */
    record Mapping(Map<String, YamlTree> entries, Map<String, Integer> keyLines, int line) implements YamlTree {
    }

    record Sequence(List<YamlTree> items, int line) implements YamlTree {
    }

    /** Parses {@code text}; a syntax error or a duplicate key is a {@link SpecProblem} list in the exception. */
    static YamlTree parse(String text, String file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(50);
        Node root;
        try {
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new SpecException(file, List.of(new SpecProblem("", line, "not valid YAML: " + e.getProblem())));
        }
        if (root == null) throw new SpecException(file, List.of(new SpecProblem("", 1, "the file is empty")));
        List<SpecProblem> problems = new ArrayList<>();
        YamlTree tree = convert(root, "", problems);
        if (!problems.isEmpty()) throw new SpecException(file, problems);
        return tree;
    }

    private static YamlTree convert(Node node, String path, List<SpecProblem> problems) {
        int line = node.getStartMark().getLine() + 1;
        return switch (node) {
            case ScalarNode s -> new Scalar(s.getValue(), kindOf(s.getTag()), line);
            case SequenceNode s -> {
                List<YamlTree> items = new ArrayList<>();
                for (int i = 0; i < s.getValue().size(); i++) {
                    items.add(convert(s.getValue().get(i), path + "[" + i + "]", problems));
                }
                yield new Sequence(items, line);
            }
            case MappingNode m -> {
                Map<String, YamlTree> entries = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                for (NodeTuple t : m.getValue()) {
                    int keyLine = t.getKeyNode().getStartMark().getLine() + 1;
                    if (!(t.getKeyNode() instanceof ScalarNode k)) {
                        problems.add(new SpecProblem(path, keyLine, "keys must be plain strings"));
                        continue;
                    }
                    String child = path.isEmpty() ? k.getValue() : path + "." + k.getValue();
                    if (entries.containsKey(k.getValue())) {
                        problems.add(new SpecProblem(child, keyLine, "duplicate key (first on line "
                                + keyLines.get(k.getValue()) + ")"));
                        continue;
                    }
                    keyLines.put(k.getValue(), keyLine);
                    entries.put(k.getValue(), convert(t.getValueNode(), child, problems));
                }
                yield new Mapping(entries, keyLines, line);
            }
            default -> {
                problems.add(new SpecProblem(path, line, "unsupported YAML node"));
                yield new Scalar("", Scalar.Kind.NULL, line);
            }
        };
    }

    private static Scalar.Kind kindOf(Tag tag) {
        if (Tag.INT.equals(tag)) return Scalar.Kind.INT;
        if (Tag.FLOAT.equals(tag)) return Scalar.Kind.FLOAT;
        if (Tag.BOOL.equals(tag)) return Scalar.Kind.BOOL;
        if (Tag.NULL.equals(tag)) return Scalar.Kind.NULL;
        return Scalar.Kind.STRING;
    }

    /** The tree as plain Java values (maps, lists, strings, longs, doubles, booleans), for free-form settings. */
    static Object plain(YamlTree t) {
        return switch (t) {
            case Scalar s -> s.value();
            case Sequence s -> s.items().stream().map(YamlTree::plain).toList();
            case Mapping m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.entries().forEach((k, v) -> out.put(k, plain(v)));
                yield out;
            }
        };
    }
}
