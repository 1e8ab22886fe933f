package dev.distillery.generators.model.structured;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The JSON schema of a record type, built from its components: strings, numbers, booleans, enums, lists, sets and
 * arrays of those, and nested records. Every component is required and no other property is allowed, which is
 * what strict structured-output modes (OpenAI {@code strict}) demand. Built twice in parallel: as LangChain4j's
 * schema (sent as {@code response_format}) and as plain JSON (written into a prompt for providers without it).
 *
 * <pre>{@code RecordSchema s = RecordSchema.of(Answer.class); String forPrompt = s.json();}</pre>
 *
 * @param root LangChain4j's schema of the record
 * @param json the same schema as JSON text
 */
public record RecordSchema(JsonObjectSchema root, String json) {

    /** The schema of {@code type}; {@link IllegalArgumentException} names the component it cannot express. */
    public static RecordSchema of(Class<? extends Record> type) {
        ObjectNode node = Json.object();
        JsonObjectSchema root = object(type, node, new HashSet<>(), type.getSimpleName());
        return new RecordSchema(root, Json.string(node));
    }

    private static JsonObjectSchema object(Class<?> type, ObjectNode node, Set<Class<?>> visiting, String path) {
        if (!visiting.add(type)) throw new IllegalArgumentException(path + ": recursive record types have no finite schema");
        JsonObjectSchema.Builder b = JsonObjectSchema.builder();
        node.put("type", "object");
        ObjectNode props = node.putObject("properties");
        List<String> required = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            ObjectNode p = props.putObject(c.getName());
            b.addProperty(c.getName(), element(c.getGenericType(), p, visiting, path + "." + c.getName()));
            required.add(c.getName());
        }
        b.required(required).additionalProperties(false);
        ArrayNode req = node.putArray("required");
        required.forEach(req::add);
        node.put("additionalProperties", false);
        visiting.remove(type);
        return b.build();
    }

    private static JsonSchemaElement element(Type t, ObjectNode node, Set<Class<?>> visiting, String path) {
        if (t instanceof Class<?> c) {
            if (c == String.class || c == char.class || c == Character.class) {
                node.put("type", "string");
                return JsonStringSchema.builder().build();
            }
            if (c == boolean.class || c == Boolean.class) {
                node.put("type", "boolean");
                return JsonBooleanSchema.builder().build();
            }
            if (c == int.class || c == long.class || c == short.class || c == byte.class || c == Integer.class
                    || c == Long.class || c == Short.class || c == Byte.class || c == BigInteger.class) {
                node.put("type", "integer");
                return JsonIntegerSchema.builder().build();
            }
            if (c == double.class || c == float.class || c == Double.class || c == Float.class || c == BigDecimal.class) {
                node.put("type", "number");
                return JsonNumberSchema.builder().build();
            }
            if (c.isEnum()) {
                List<String> names = Arrays.stream(c.getEnumConstants()).map(e -> ((Enum<?>) e).name()).toList();
                ArrayNode values = node.putArray("enum");
                names.forEach(values::add);
                return JsonEnumSchema.builder().enumValues(names).build();
            }
            if (c.isArray()) return array(c.getComponentType(), node, visiting, path);
            if (c.isRecord()) return object(c, node, visiting, path);
        }
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw && Collection.class.isAssignableFrom(raw)) {
            return array(p.getActualTypeArguments()[0], node, visiting, path);
        }
        if (t instanceof GenericArrayType g) return array(g.getGenericComponentType(), node, visiting, path);
        throw new IllegalArgumentException(path + ": type " + t.getTypeName() + " has no JSON schema here"
                + " (use strings, numbers, booleans, enums, records, and lists or arrays of them)");
    }

    private static JsonSchemaElement array(Type item, ObjectNode node, Set<Class<?>> visiting, String path) {
        node.put("type", "array");
        JsonSchemaElement items = element(item, node.putObject("items"), visiting, path + "[]");
        return JsonArraySchema.builder().items(items).build();
    }

}
