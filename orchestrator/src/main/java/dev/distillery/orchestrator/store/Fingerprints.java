package dev.distillery.orchestrator.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Content fingerprints that decide whether a finished stage can be reused: sha256 over the canonical JSON of a stage's
 * spec (object keys sorted, numbers in one notation, so formatting and key order never matter) followed by the
 * fingerprints of its inputs in wiring order. Equal fingerprint, same work: the executor skips it.
 *
 * <p>Usage: {@code String fp = Fingerprints.stage(stageSpec, List.of(upstreamFingerprint));}
 */
public final class Fingerprints {

    /** Bumped when the canonical form changes, so old fingerprints stop matching instead of matching wrongly. */
    private static final String VERSION = "distillery-stage-v1";

    private Fingerprints() {
    }

    /** The fingerprint of a stage: {@code spec} is any Jackson-serialisable value (a spec record, a map, a tree). */
    public static String stage(Object spec, List<String> inputFingerprints) {
        StringBuilder text = new StringBuilder(VERSION).append('\n').append(canonicalJson(spec));
        for (String input : inputFingerprints) {
            text.append('\n').append(input);
        }
        return sha256(text.toString());
    }

    /** The fingerprint of a whole spec (for a run): the canonical JSON's sha256. */
    public static String spec(Object spec) {
        return sha256(VERSION + "\n" + canonicalJson(spec));
    }

    /** Hex sha256 of UTF-8 text. */
    public static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Compact JSON with object keys sorted at every level and numbers written in their shortest exact form. */
    public static String canonicalJson(Object value) {
        JsonNode tree = value instanceof JsonNode node ? node : Json.tree(value);
        return Json.string(canonical(tree));
    }

    private static JsonNode canonical(JsonNode node) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node == null || node.isNull() || node.isMissingNode()) {
            return f.nullNode();
        }
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
            fields.sort(Map.Entry.comparingByKey());
            ObjectNode out = f.objectNode();
            fields.forEach(e -> out.set(e.getKey(), canonical(e.getValue())));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = f.arrayNode();
            node.forEach(element -> out.add(canonical(element)));
            return out;
        }
        if (node.isNumber()) {
            // 2, 2.0 and 2.00 are the same setting; write them the same way.
            return f.numberNode(node.decimalValue().stripTrailingZeros());
        }
        return node;
    }
}
