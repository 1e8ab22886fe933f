package dev.distillery.trainers.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types of the safetensors format. Every type is known (so headers of any checkpoint validate), but only
 * the floating-point types F32, BF16 and F16 can be read into float32 or written.
 *
 * <pre>{@code
 * DType t = DType.parse("BF16");   // t.bytes() == 2, t.convertible() == true
 * }</pre>
 */
public enum DType {
    F64(8, false), F32(4, true), F16(2, true), BF16(2, true),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false),
    U64(8, false), U32(4, false), U16(2, false), U8(1, false), BOOL(1, false),
    F8_E4M3(1, false), F8_E5M2(1, false);

    private final int bytes;
    private final boolean convertible;

    DType(int bytes, boolean convertible) {
        this.bytes = bytes;
        this.convertible = convertible;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether the reader converts this type to float32 (and the writer can produce it). */
    public boolean convertible() {
        return convertible;
    }

    /** The type named {@code name} in a header, or null when the name is not a safetensors dtype. */
    static DType parse(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) return t;
        }
        return null;
    }

    static String convertibleNames() {
        return Arrays.stream(values()).filter(DType::convertible).map(Enum::name).collect(Collectors.joining(", "));
    }
}
