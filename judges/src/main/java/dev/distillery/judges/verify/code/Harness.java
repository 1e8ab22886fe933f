package dev.distillery.judges.verify.code;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the trusted driver class that calls the candidate's method with each test case's arguments as Java literals
 * and prints one tagged JSON line per result. Literals are typed from the method's descriptor, so javac checks the
 * test input against the signature the candidate actually declared.
 */
final class Harness {
    private Harness() {
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

    static String driver(String pkg, String driverName, String target, ClassFileInfo.Method method, List<TestCase> cases) {
        List<String> params = parameters(method.descriptor());
        StringBuilder src = new StringBuilder();
        if (pkg != null) src.append("package ").append(pkg).append(";\n");
        src.append("public final class ").append(driverName).append(" {\n");
        src.append("""
                    public static void main(String[] args) {
                        java.io.PrintStream out = System.out;
                        // Only the driver writes to the result channel; the candidate's prints are discarded.
                        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
                        String tag = args[0];
                        for (int i = 0; i < %d; i++) {
                            out.println(tag + " START " + i);
                            out.flush();
                            String line;
                            try {
                                line = tag + " OK " + i + " " + json(call(i));
                            } catch (Throwable t) {
                                String s = String.valueOf(t).replace('\\n', ' ').replace('\\r', ' ');
                                line = tag + " EXC " + i + " " + (s.length() > 300 ? s.substring(0, 300) + "..." : s);
                            }
                            out.println(line);
                            out.flush();
                        }
                        out.println(tag + " DONE");
                        out.flush();
                        Runtime.getRuntime().halt(0);
                    }
                
                    private static Object call(int i) throws Throwable {
                        switch (i) {
                """.formatted(cases.size()));
        for (int i = 0; i < cases.size(); i++) src.append("            case ").append(i).append(": return case").append(i).append("();\n");
        src.append("            default: throw new IllegalStateException();\n        }\n    }\n\n");
        String receiver = method.isStatic() ? target : "new " + target + "()";
        for (int i = 0; i < cases.size(); i++) {
            JsonNode args = cases.get(i).arguments();
            if (args.size() != params.size()) {
                throw new IllegalArgumentException("case " + i + " has " + args.size() + " argument(s) but " + target + "."
                        + method.name() + " takes " + params.size());
            }
            List<String> literals = new ArrayList<>();
            for (int a = 0; a < params.size(); a++) {
                try {
                    literals.add(literal(args.get(a), params.get(a)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("case " + i + " argument " + a + ": " + e.getMessage());
                }
            }
            src.append("    private static Object case").append(i).append("() throws Throwable {\n        return ")
                    .append(receiver).append('.').append(method.name()).append('(').append(String.join(", ", literals))
                    .append(");\n    }\n\n");
        }
        src.append("""
                    private static String json(Object o) {
                        if (o == null) return "null";
                        if (o instanceof CharSequence || o instanceof Character) return quote(o.toString());
                        if (o instanceof Double d && (d.isNaN() || d.isInfinite())) return quote(d.toString());
                        if (o instanceof Float f && (f.isNaN() || f.isInfinite())) return quote(f.toString());
                        if (o instanceof Number || o instanceof Boolean) return o.toString();
                        StringBuilder b = new StringBuilder();
                        if (o.getClass().isArray()) {
                            b.append('[');
                            for (int i = 0; i < java.lang.reflect.Array.getLength(o); i++) {
                                if (i > 0) b.append(',');
                                b.append(json(java.lang.reflect.Array.get(o, i)));
                            }
                            return b.append(']').toString();
                        }
                        if (o instanceof java.util.Map<?, ?> m) {
                            b.append('{');
                            boolean first = true;
                            for (java.util.Map.Entry<?, ?> e : m.entrySet()) {
                                if (!first) b.append(',');
                                first = false;
                                b.append(quote(String.valueOf(e.getKey()))).append(':').append(json(e.getValue()));
                            }
                            return b.append('}').toString();
                        }
                        if (o instanceof Iterable<?> it) {
                            b.append('[');
                            boolean first = true;
                            for (Object x : it) {
                                if (!first) b.append(',');
                                first = false;
                                b.append(json(x));
                            }
                            return b.append(']').toString();
                        }
                        return quote(o.toString());
                    }
                
                    private static String quote(String s) {
                        StringBuilder b = new StringBuilder("\\"");
                        for (int i = 0; i < s.length(); i++) {
                            char c = s.charAt(i);
                            if (c == '"' || c == '\\\\') b.append('\\\\').append(c);
                            else if (c < 0x20) b.append(String.format("\\\\u%04x", (int) c));
                            else b.append(c);
                        }
                        return b.append('"').toString();
                    }
                }
                """);
        return src.toString();
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
                throw new IllegalArgumentException("parameter type " + javaType(desc) + " is not supported by the test harness");
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
