package dev.distillery.judges.verify.code;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Internal: the trusted main class of the sandbox's child JVM; not for use in the parent. {@link JavaSandbox}
 * copies this one class file next to the candidate's classes. It reads the whole job from stdin before any candidate
 * code runs (target class, method name and arity, then one JSON argument array per line), discards the
 * candidate's {@code System.out}, calls the method once per case with the arguments converted to its generic
 * parameter types, and prints tagged lines: {@code START i}, {@code OK i <json>}, {@code EXC i <throwable>},
 * {@code BADARG i <why>}, {@code DONE}. The tag is {@code args[0]}, which candidate code cannot see.
 *
 * <p>Depends on {@code java.base} only (the child's class path holds nothing else), hence its own small JSON reader,
 * and has no nested classes so that it is exactly one class file.
 */
public final class SandboxDriver {
    private static final Object NULL = new Object();

    private SandboxDriver() {
    }

    public static void main(String[] args) throws IOException {
        String tag = args[0];
        String[] lines = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        String className = lines[0].strip();
        String methodName = lines[1].strip();
        int arity = Integer.parseInt(lines[2].strip());
        Method method = null;
        Throwable setup = null;
        try {
            Class<?> target = Class.forName(className, false, SandboxDriver.class.getClassLoader());
            for (Method m : target.getDeclaredMethods()) {
                if (m.getName().equals(methodName) && m.getParameterCount() == arity && !m.isSynthetic()) method = m;
            }
            if (method == null) throw new NoSuchMethodException(className + "." + methodName);
            method.setAccessible(true);
        } catch (Throwable t) {
            setup = t;
        }
        for (int i = 3; i < lines.length; i++) {
            int index = i - 3;
            out.println(tag + " START " + index);
            out.flush();
            String line;
            if (setup != null) {
                line = tag + " EXC " + index + " " + oneLine(setup);
            } else {
                Object[] arguments = null;
                try {
                    arguments = arguments((List<?>) parse(lines[i]), method.getGenericParameterTypes());
                } catch (RuntimeException e) {
                    line = tag + " BADARG " + index + " " + oneLine(e);
                    out.println(line);
                    out.flush();
                    continue;
                }
                try {
                    Object receiver = null;
                    if (!Modifier.isStatic(method.getModifiers())) {
                        Constructor<?> c = method.getDeclaringClass().getDeclaredConstructor();
                        c.setAccessible(true);
                        receiver = c.newInstance();
                    }
                    line = tag + " OK " + index + " " + json(method.invoke(receiver, arguments));
                } catch (InvocationTargetException e) {
                    line = tag + " EXC " + index + " " + oneLine(e.getCause());
                } catch (Throwable t) {
                    line = tag + " EXC " + index + " " + oneLine(t);
                }
            }
            out.println(line);
            out.flush();
        }
        out.println(tag + " DONE");
        out.flush();
        // halt, not exit: no shutdown hooks or finalisation of candidate objects after the verdict is written.
        Runtime.getRuntime().halt(0);
    }

    private static String oneLine(Throwable t) {
        String s = String.valueOf(t).replace('\n', ' ').replace('\r', ' ');
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    // ---- argument conversion: JSON value -> the parameter's (generic) type ----

    private static Object[] arguments(List<?> values, Type[] types) {
        Object[] out = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            try {
                out[i] = convert(values.get(i), types[i]);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("argument " + i + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static Object convert(Object v, Type type) {
        if (type instanceof WildcardType w) return convert(v, w.getUpperBounds()[0]);
        if (type instanceof GenericArrayType g) return array(v, g.getGenericComponentType(), raw(g.getGenericComponentType()));
        Class<?> raw = raw(type);
        if (v == NULL) {
            if (raw.isPrimitive()) throw new IllegalArgumentException("null for " + raw.getName());
            return null;
        }
        if (raw == int.class || raw == Integer.class) return (int) whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
        if (raw == long.class || raw == Long.class) return whole(v, Long.MIN_VALUE, Long.MAX_VALUE, "long");
        if (raw == short.class || raw == Short.class) return (short) whole(v, Short.MIN_VALUE, Short.MAX_VALUE, "short");
        if (raw == byte.class || raw == Byte.class) return (byte) whole(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
        if (raw == double.class || raw == Double.class) return number(v).doubleValue();
        if (raw == float.class || raw == Float.class) return number(v).floatValue();
        if (raw == boolean.class || raw == Boolean.class) {
            if (v instanceof Boolean b) return b;
            throw new IllegalArgumentException("expected true/false, got " + v);
        }
        if (raw == char.class || raw == Character.class) {
            if (v instanceof String s && s.length() == 1) return s.charAt(0);
            throw new IllegalArgumentException("expected a one-character string, got " + v);
        }
        if (raw == String.class || raw == CharSequence.class) {
            if (v instanceof String s) return s;
            throw new IllegalArgumentException("expected a string, got " + v);
        }
        if (raw == Object.class) return natural(v);
        if (raw.isArray()) return array(v, raw.getComponentType(), raw.getComponentType());
        if (raw == java.math.BigInteger.class) return new java.math.BigDecimal(number(v).toString()).toBigIntegerExact();
        if (raw == java.math.BigDecimal.class) return new java.math.BigDecimal(number(v).toString());
        Type[] typeArgs = type instanceof ParameterizedType p ? p.getActualTypeArguments() : new Type[0];
        if (raw.isAssignableFrom(ArrayList.class) || raw.isAssignableFrom(LinkedHashSet.class)) {
            if (!(v instanceof List<?> list)) throw new IllegalArgumentException("expected an array, got " + v);
            Type element = typeArgs.length == 1 ? typeArgs[0] : Object.class;
            Collection<Object> c = raw.isAssignableFrom(ArrayList.class) ? new ArrayList<>() : new LinkedHashSet<>();
            for (Object item : list) c.add(convert(item, element));
            return c;
        }
        if (raw.isAssignableFrom(LinkedHashMap.class)) {
            if (!(v instanceof Map<?, ?> map)) throw new IllegalArgumentException("expected an object, got " + v);
            Type key = typeArgs.length == 2 ? typeArgs[0] : String.class;
            Type value = typeArgs.length == 2 ? typeArgs[1] : Object.class;
            Map<Object, Object> m = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) m.put(key(String.valueOf(e.getKey()), key), convert(e.getValue(), value));
            return m;
        }
        throw new IllegalArgumentException("parameter type " + type.getTypeName() + " is not supported");
    }

    private static Object key(String k, Type type) {
        Class<?> raw = raw(type);
        if (raw == Integer.class) return Integer.parseInt(k);
        if (raw == Long.class) return Long.parseLong(k);
        if (raw == String.class || raw == Object.class || raw == CharSequence.class) return k;
        throw new IllegalArgumentException("map key type " + type.getTypeName() + " is not supported");
    }

    /** A JSON value as the natural Java value: Integer/Long/Double, String, Boolean, ArrayList, LinkedHashMap. */
    private static Object natural(Object v) {
        if (v == NULL) return null;
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) out.add(natural(o));
            return out;
        }
        if (v instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) out.put(e.getKey(), natural(e.getValue()));
            return out;
        }
        if (v instanceof java.math.BigDecimal d) {
            if (d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0) {
                long l = d.longValueExact();
                return l == (int) l ? (Object) (int) l : (Object) l;
            }
            return d.doubleValue();
        }
        return v;
    }

    private static Object array(Object v, Type componentType, Class<?> component) {
        if (!(v instanceof List<?> list)) throw new IllegalArgumentException("expected an array, got " + v);
        Object a = Array.newInstance(component, list.size());
        for (int i = 0; i < list.size(); i++) Array.set(a, i, convert(list.get(i), componentType));
        return a;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) return c;
        if (type instanceof ParameterizedType p) return (Class<?>) p.getRawType();
        if (type instanceof GenericArrayType g) return Array.newInstance(raw(g.getGenericComponentType()), 0).getClass();
        if (type instanceof WildcardType w) return raw(w.getUpperBounds()[0]);
        return Object.class; // a type variable
    }

    private static Number number(Object v) {
        if (v instanceof java.math.BigDecimal d) return d;
        throw new IllegalArgumentException("expected a number, got " + v);
    }

    private static long whole(Object v, long min, long max, String type) {
        java.math.BigDecimal d = (java.math.BigDecimal) number(v);
        long l;
        try {
            l = d.stripTrailingZeros().longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("expected a whole number for " + type + ", got " + d);
        }
        if (l < min || l > max) throw new IllegalArgumentException(d + " is out of range for " + type);
        return l;
    }

    // ---- a small JSON reader: objects -> LinkedHashMap, arrays -> ArrayList, numbers -> BigDecimal ----

    static Object parse(String text) {
        int[] pos = {0};
        Object v = value(text, pos);
        skip(text, pos);
        if (pos[0] != text.length()) throw new IllegalArgumentException("trailing characters in test input at " + pos[0]);
        return v;
    }

    private static Object value(String s, int[] pos) {
        skip(s, pos);
        if (pos[0] >= s.length()) throw new IllegalArgumentException("unexpected end of test input");
        char c = s.charAt(pos[0]);
        switch (c) {
            case '{' -> {
                pos[0]++;
                Map<String, Object> m = new LinkedHashMap<>();
                skip(s, pos);
                if (s.charAt(pos[0]) == '}') {
                    pos[0]++;
                    return m;
                }
                while (true) {
                    skip(s, pos);
                    String k = (String) value(s, pos);
                    skip(s, pos);
                    expect(s, pos, ':');
                    m.put(k, value(s, pos));
                    skip(s, pos);
                    if (s.charAt(pos[0]) == ',') pos[0]++;
                    else {
                        expect(s, pos, '}');
                        return m;
                    }
                }
            }
            case '[' -> {
                pos[0]++;
                List<Object> l = new ArrayList<>();
                skip(s, pos);
                if (s.charAt(pos[0]) == ']') {
                    pos[0]++;
                    return l;
                }
                while (true) {
                    l.add(value(s, pos));
                    skip(s, pos);
                    if (s.charAt(pos[0]) == ',') pos[0]++;
                    else {
                        expect(s, pos, ']');
                        return l;
                    }
                }
            }
            case '"' -> {
                StringBuilder b = new StringBuilder();
                pos[0]++;
                while (s.charAt(pos[0]) != '"') {
                    char ch = s.charAt(pos[0]++);
                    if (ch != '\\') {
                        b.append(ch);
                        continue;
                    }
                    char e = s.charAt(pos[0]++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(pos[0], pos[0] + 4), 16));
                            pos[0] += 4;
                        }
                        default -> b.append(e);
                    }
                }
                pos[0]++;
                return b.toString();
            }
            default -> {
                if (s.startsWith("true", pos[0])) {
                    pos[0] += 4;
                    return Boolean.TRUE;
                }
                if (s.startsWith("false", pos[0])) {
                    pos[0] += 5;
                    return Boolean.FALSE;
                }
                if (s.startsWith("null", pos[0])) {
                    pos[0] += 4;
                    return NULL;
                }
                int start = pos[0];
                while (pos[0] < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos[0])) >= 0) pos[0]++;
                if (start == pos[0]) throw new IllegalArgumentException("unexpected '" + c + "' in test input at " + start);
                return new java.math.BigDecimal(s.substring(start, pos[0]));
            }
        }
    }

    private static void skip(String s, int[] pos) {
        while (pos[0] < s.length() && Character.isWhitespace(s.charAt(pos[0]))) pos[0]++;
    }

    private static void expect(String s, int[] pos, char c) {
        if (pos[0] >= s.length() || s.charAt(pos[0]) != c) throw new IllegalArgumentException("expected '" + c + "' at " + pos[0]);
        pos[0]++;
    }

    // ---- result rendering: any returned value -> one line of JSON ----

    static String json(Object o) {
        if (o == null) return "null";
        if (o instanceof CharSequence || o instanceof Character) return quote(o.toString());
        if (o instanceof Double d && (d.isNaN() || d.isInfinite())) return quote(d.toString());
        if (o instanceof Float f && (f.isNaN() || f.isInfinite())) return quote(f.toString());
        if (o instanceof Number || o instanceof Boolean) return o.toString();
        StringBuilder b = new StringBuilder();
        if (o.getClass().isArray()) {
            b.append('[');
            for (int i = 0; i < Array.getLength(o); i++) {
                if (i > 0) b.append(',');
                b.append(json(Array.get(o, i)));
            }
            return b.append(']').toString();
        }
        if (o instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
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
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
