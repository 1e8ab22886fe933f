package dev.distillery.trainers.io;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Typed access to config.json fields with errors naming the file and the field. */
final class ConfigFields {
    private final JsonNode root;
    private final Path file;

    ConfigFields(JsonNode root, Path file) {
        this.root = root;
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Present and not JSON null (HF writes {@code "rope_scaling": null} for "absent"). */
    boolean present(String name) {
        JsonNode n = root.get(name);
        return n != null && !n.isNull();
    }

    int requiredInt(String name) throws ModelFormatException {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) throw new ModelFormatException(file + ": missing required field '" + name + "'");
        return toInt(name, n);
    }

    int optionalInt(String name, int fallback) throws ModelFormatException {
        return present(name) ? toInt(name, root.get(name)) : fallback;
    }

    double optionalDouble(String name, double fallback) throws ModelFormatException {
        if (!present(name)) return fallback;
        JsonNode n = root.get(name);
        if (!n.isNumber()) throw new ModelFormatException(file + ": field '" + name + "' must be a number, got " + n);
        return n.asDouble();
    }

    boolean optionalBool(String name, boolean fallback) throws ModelFormatException {
        if (!present(name)) return fallback;
        JsonNode n = root.get(name);
        if (!n.isBoolean()) throw new ModelFormatException(file + ": field '" + name + "' must be true or false, got " + n);
        return n.asBoolean();
    }

    String string(String name, String fallback) throws ModelFormatException {
        if (!present(name)) return fallback;
        JsonNode n = root.get(name);
        if (!n.isTextual()) throw new ModelFormatException(file + ": field '" + name + "' must be a string, got " + n);
        return n.asText();
    }

    /** An int or a list of ints ({@code eos_token_id}). */
    List<Integer> intOrList(String name) throws ModelFormatException {
        JsonNode n = root.get(name);
        List<Integer> out = new ArrayList<>();
        if (n.isArray()) {
            for (JsonNode e : n) out.add(toInt(name, e));
        } else {
            out.add(toInt(name, n));
        }
        return out;
    }

    private int toInt(String name, JsonNode n) throws ModelFormatException {
        if (!n.canConvertToExactIntegral() || !n.canConvertToInt()) {
            throw new ModelFormatException(file + ": field '" + name + "' must be an integer, got " + n);
        }
        return n.asInt();
    }
}
