package dev.distillery.judges.verify.code;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the bytecode check needs from one class file, read straight from its constant pool and member tables (JVMS
 * chapter 4): every class it names, every field/method it references, every descriptor it mentions, and its own
 * methods. Written here rather than taken from {@code java.lang.classfile} because that API is final only from JDK 24
 * and the project targets 21.
 *
 * <pre>{@code ClassFileInfo info = ClassFileInfo.read(Files.readAllBytes(path));}</pre>
 *
 * @param name        internal name, e.g. {@code pkg/Solution$Node}
 * @param classRefs   every CONSTANT_Class name (may be array descriptors such as {@code [Ljava/lang/String;})
 * @param memberRefs  every Fieldref/Methodref/InterfaceMethodref
 * @param descriptors every field/method descriptor mentioned (NameAndType, MethodType, own members)
 * @param methods     the class's own methods
 */
public record ClassFileInfo(String name, List<String> classRefs, List<MemberRef> memberRefs, List<String> descriptors,
                            List<Method> methods) {

    /** A reference from the constant pool to a field or method of {@code owner}. */
    public record MemberRef(String owner, String name, String descriptor) {
    }

    /** One of the class's own methods. */
    public record Method(int access, String name, String descriptor) {
        public boolean isStatic() {
            return (access & 0x0008) != 0;
        }

        public boolean isPrivate() {
            return (access & 0x0002) != 0;
        }

        /** Compiler-made (bridge or synthetic): not something the candidate wrote. */
        public boolean isSynthetic() {
            return (access & (0x1000 | 0x0040)) != 0;
        }
    }

    /** Parses a class file; a malformed one is an {@link IllegalArgumentException}. */
    public static ClassFileInfo read(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != 0xCAFEBABE) throw new IllegalArgumentException("not a class file (bad magic)");
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            int[] tags = new int[count];
            Object[] values = new Object[count]; // String for Utf8, int[] for references
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                tags[i] = tag;
                switch (tag) {
                    case 1 -> values[i] = in.readUTF();
                    case 3, 4 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++; // 8-byte constants take two slots (JVMS 4.4.5)
                    }
                    case 7, 8, 16, 19, 20 -> values[i] = new int[]{in.readUnsignedShort()};
                    case 9, 10, 11, 12, 17, 18 -> values[i] = new int[]{in.readUnsignedShort(), in.readUnsignedShort()};
                    case 15 -> values[i] = new int[]{in.readUnsignedByte(), in.readUnsignedShort()};
                    default -> throw new IllegalArgumentException("unknown constant pool tag " + tag + " at " + i);
                }
            }
            List<String> classRefs = new ArrayList<>();
            List<MemberRef> memberRefs = new ArrayList<>();
            List<String> descriptors = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                switch (tags[i]) {
                    case 7 -> classRefs.add(utf(values, ((int[]) values[i])[0]));
                    case 9, 10, 11 -> {
                        int[] ref = (int[]) values[i];
                        String owner = utf(values, ((int[]) values[ref[0]])[0]);
                        int[] nat = (int[]) values[ref[1]];
                        memberRefs.add(new MemberRef(owner, utf(values, nat[0]), utf(values, nat[1])));
                    }
                    case 12 -> descriptors.add(utf(values, ((int[]) values[i])[1]));
                    case 16 -> descriptors.add(utf(values, ((int[]) values[i])[0]));
                    default -> {
                    }
                }
            }
            in.readUnsignedShort();
            String name = utf(values, ((int[]) values[in.readUnsignedShort()])[0]);
            in.readUnsignedShort(); // super: also a CONSTANT_Class, already in classRefs
            int interfaces = in.readUnsignedShort();
            for (int i = 0; i < interfaces; i++) in.readUnsignedShort();
            int fields = in.readUnsignedShort();
            for (int i = 0; i < fields; i++) {
                in.readUnsignedShort();
                in.readUnsignedShort();
                descriptors.add(utf(values, in.readUnsignedShort()));
                skipAttributes(in);
            }
            List<Method> methods = new ArrayList<>();
            int methodCount = in.readUnsignedShort();
            for (int i = 0; i < methodCount; i++) {
                int access = in.readUnsignedShort();
                String methodName = utf(values, in.readUnsignedShort());
                String descriptor = utf(values, in.readUnsignedShort());
                descriptors.add(descriptor);
                methods.add(new Method(access, methodName, descriptor));
                skipAttributes(in);
            }
            return new ClassFileInfo(name, List.copyOf(classRefs), List.copyOf(memberRefs), List.copyOf(descriptors),
                    List.copyOf(methods));
        } catch (IOException | ClassCastException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("malformed class file: " + e, e);
        }
    }

    /** The class names inside a field or method descriptor, e.g. {@code (Ljava/io/File;[I)V} gives java/io/File. */
    public static List<String> classesIn(String descriptor) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < descriptor.length(); i++) {
            if (descriptor.charAt(i) == 'L') {
                int end = descriptor.indexOf(';', i);
                if (end < 0) break;
                out.add(descriptor.substring(i + 1, end));
                i = end;
            }
        }
        return out;
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.readUnsignedShort();
            in.skipNBytes(Integer.toUnsignedLong(in.readInt()));
        }
    }

    private static String utf(Object[] values, int index) {
        if (!(values[index] instanceof String s)) throw new IllegalArgumentException("constant " + index + " is not Utf8");
        return s;
    }
}
