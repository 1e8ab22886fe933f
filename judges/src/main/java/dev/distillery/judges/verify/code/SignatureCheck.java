package dev.distillery.judges.verify.code;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads method descriptors and checks test-case arguments against them in the parent, before any process starts.
 * {@link #literal} renders a value as a Java expression of the parameter type; rendering doubles as the type check.
 */
final class SignatureCheck {
    private SignatureCheck() {
    }

    /** Parameter descriptors of a method descriptor, e.g. {@code (I[Ljava/lang/String;)J} gives I, [Ljava/lang/String;. */
    static List<String> parameters(String descriptor) {
        List<String> out = new ArrayList<>();
        int i = 1;
        while (descriptor.charAt(i) != ')') {
            int start = i;
            while (descriptor.charAt(i) == '[') i++;
            if (descriptor.charAt(i) == 'L') i = descriptor.indexOf(';', i);
            i++;
            out.add(descriptor.substring(start, i));
        }
        return out;
    }

    /**
     * Checks every case's arguments against the method's erased parameter types before a child JVM is started, so
     * that a test written for another signature is reported as such; generic element types (List&lt;Long&gt;) are
     * converted and checked by {@link SandboxDriver} in the child.
     */
    static void check(String target, ClassFileInfo.Method method, List<TestCase> cases) {
        List<String> params = parameters(method.descriptor());
        for (int i = 0; i < cases.size(); i++) {
            JsonNode args = cases.get(i).arguments();
            if (args.size() != params.size()) {
                throw new IllegalArgumentException("case " + i + " has " + args.size() + " argument(s) but " + target + "."
                        + method.name() + " takes " + params.size());
            }
            for (int a = 0; a < params.size(); a++) {
                try {
                    literal(args.get(a), params.get(a));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("case " + i + " argument " + a + ": " + e.getMessage());
                }
            }
        }
    }

    /** A Java expression of the parameter's type holding the JSON value. */
    static String literal(JsonNode v, String desc) {
        if (v.isNull()) {
            if (desc.length() == 1) throw new IllegalArgumentException("null for primitive " + javaType(desc));
            return "(" + javaType(desc) + ") null";
        }
        switch (desc) {
            case "I", "Ljava/lang/Integer;" -> {
                long x = integral(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
                return desc.equals("I") ? "(" + x + ")" : "Integer.valueOf(" + x + ")";
            }
            case "J", "Ljava/lang/Long;" -> {
                long x = integral(v, Long.MIN_VALUE, Long.MAX_VALUE, "long");
                return desc.equals("J") ? "(" + x + "L)" : "Long.valueOf(" + x + "L)";
            }
            case "S" -> {
                return "(short) " + integral(v, Short.MIN_VALUE, Short.MAX_VALUE, "short");
            }
            case "B" -> {
                return "(byte) " + integral(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
            }
            case "D", "Ljava/lang/Double;" -> {
                if (!v.isNumber()) throw new IllegalArgumentException("expected a number for double, got " + v);
                return (desc.equals("D") ? "(" : "Double.valueOf(") + Double.toString(v.asDouble()) + "d)";
            }
            case "F", "Ljava/lang/Float;" -> {
                if (!v.isNumber()) throw new IllegalArgumentException("expected a number for float, got " + v);
                return (desc.equals("F") ? "(" : "Float.valueOf(") + Float.toString((float) v.asDouble()) + "f)";
            }
            case "Z", "Ljava/lang/Boolean;" -> {
                if (!v.isBoolean()) throw new IllegalArgumentException("expected true/false for boolean, got " + v);
                return v.asText();
            }
            case "C", "Ljava/lang/Character;" -> {
                if (!v.isTextual() || v.asText().length() != 1) throw new IllegalArgumentException("expected a one-character string for char, got " + v);
                return "'" + escape(v.asText()) + "'";
            }
            case "Ljava/lang/String;", "Ljava/lang/CharSequence;", "Ljava/lang/Object;" -> {
                if (v.isTextual()) return "\"" + escape(v.asText()) + "\"";
                if (desc.equals("Ljava/lang/Object;")) return inferred(v);
                throw new IllegalArgumentException("expected a string, got " + v);
            }
            case "Ljava/util/List;", "Ljava/util/Collection;", "Ljava/lang/Iterable;", "Ljava/util/ArrayList;" -> {
                if (!v.isArray()) throw new IllegalArgumentException("expected an array for a list, got " + v);
                return inferred(v);
            }
            default -> {
                if (desc.startsWith("[")) {
                    if (!v.isArray()) throw new IllegalArgumentException("expected an array for " + javaType(desc) + ", got " + v);
                    List<String> items = new ArrayList<>();
                    for (JsonNode item : v) items.add(literal(item, desc.substring(1)));
                    return "new " + javaType(desc) + "{" + String.join(", ", items) + "}";
                }
                return ""; // collections, maps, big numbers: converted (and checked) in the child with their generic types
            }
        }
    }

    /** A mutable list (the candidate may sort it) of boxed values typed from the JSON itself. */
    private static String inferred(JsonNode v) {
        if (v.isTextual()) return "\"" + escape(v.asText()) + "\"";
        if (v.isBoolean()) return v.asText();
        if (v.isIntegralNumber()) return v.canConvertToInt() ? "Integer.valueOf(" + v.asInt() + ")" : "Long.valueOf(" + v.asLong() + "L)";
        if (v.isNumber()) return "Double.valueOf(" + v.asDouble() + "d)";
        if (v.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : v) items.add(inferred(item));
            return "new java.util.ArrayList<>(java.util.Arrays.asList(" + String.join(", ", items) + "))";
        }
        throw new IllegalArgumentException("unsupported JSON value " + v + " for a list element");
    }

    private static long integral(JsonNode v, long min, long max, String type) {
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble())) {
            throw new IllegalArgumentException("expected a whole number for " + type + ", got " + v);
        }
        if (!v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw new IllegalArgumentException(v + " is out of range for " + type);
        }
        return v.asLong();
    }

    static String javaType(String desc) {
        return switch (desc.charAt(0)) {
            case 'I' -> "int";
            case 'J' -> "long";
            case 'D' -> "double";
            case 'F' -> "float";
            case 'Z' -> "boolean";
            case 'C' -> "char";
            case 'S' -> "short";
            case 'B' -> "byte";
            case 'V' -> "void";
            case '[' -> javaType(desc.substring(1)) + "[]";
            default -> desc.substring(1, desc.length() - 1).replace('/', '.').replace('$', '.');
        };
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // Unicode escapes are processed before lexing, so quotes and backslashes need ordinary escapes.
            if (c == '"') b.append("\\\"");
            else if (c == '\'') b.append("\\'");
            else if (c == '\\') b.append("\\\\");
            else if (c == '\n') b.append("\\n");
            else if (c == '\r') b.append("\\r");
            else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
}
