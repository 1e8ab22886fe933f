package dev.distillery.trainers.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reader and writer of the <a href="https://github.com/huggingface/safetensors">safetensors</a> format: an 8-byte
 * little-endian header length N, N bytes of JSON ({@code {"name":{"dtype","shape","data_offsets"}, "__metadata__":{..}}},
 * space-padded), then the raw little-endian tensor data with offsets relative to the end of the header.
 *
 * <pre>{@code
 * Safetensors.write(file, List.of(new Safetensors.Tensor("w", new int[]{2, 3}, data, 0)));
 * try (Safetensors.Reader r = Safetensors.openDirectory(modelDir)) {   // model.safetensors or a sharded index
 *     float[] w = r.read("model.norm.weight");
 * }
 * }</pre>
 *
 * <p>Headers are validated completely on open (length, JSON, dtype names, shapes, offsets inside the file, no overlap
 * and no gap, as the reference implementation demands), so a reader never maps bytes that belong to nothing. Data are
 * memory-mapped per tensor, in windows of at most {@value #MAX_MAP_BYTES} bytes, so files and tensors beyond 2 GiB work.
 */
public final class Safetensors {

    /** Name of a single-file model's weights. */
    public static final String MODEL_FILE = "model.safetensors";
    /** Name of the index of a sharded model ({@code weight_map}: tensor name to shard file). */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    /** The reference implementation refuses headers above 100 MB; a larger length is certainly corruption. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final int MAX_MAP_BYTES = 1 << 30;
    /** Map window; smaller in tests so the multi-window path is exercised on tiny files. */
    static int mapWindowBytes = MAX_MAP_BYTES;

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Safetensors() {
    }

    /**
     * One tensor as described by a header.
     *
     * @param begin first byte, relative to the start of the data section
     * @param end   one past the last byte
     */
    public record TensorInfo(String name, DType dtype, long[] shape, Path file, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        public String shapeString() {
            return Arrays.toString(shape);
        }

        /** Whether the shape equals {@code expected} dimension by dimension. */
        public boolean hasShape(int[] expected) {
            if (expected.length != shape.length) return false;
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] != expected[i]) return false;
            }
            return true;
        }
    }

    /**
     * A tensor to write: {@code product(shape)} floats of {@code data} starting at {@code offset} (so slices of a flat
     * parameter buffer are written without copying).
     */
    public record Tensor(String name, int[] shape, float[] data, long offset) {
        public Tensor {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(data, "data");
        }

        /** A tensor owning all of {@code data}. */
        public static Tensor of(String name, float[] data, int... shape) {
            return new Tensor(name, shape, data, 0);
        }

        public long elements() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }
    }

    // ------------------------------------------------------------------ reading

    /** Opens one safetensors file and validates its header. */
    public static Reader open(Path file) throws IOException {
        Reader r = new Reader();
        try {
            r.addFile(file, null);
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    /**
     * Opens the weights of a model directory: {@value #INDEX_FILE} with its shards when present, otherwise
     * {@value #MODEL_FILE}.
     */
    public static Reader openDirectory(Path dir) throws IOException {
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) return openIndex(index);
        Path single = dir.resolve(MODEL_FILE);
        if (Files.isRegularFile(single)) return open(single);
        throw new ModelFormatException(dir + ": no " + MODEL_FILE + " and no " + INDEX_FILE
                + " (only safetensors weights are supported, not pytorch_model.bin)");
    }

    /** Opens a sharded model through its index; only tensors listed in {@code weight_map} are visible. */
    public static Reader openIndex(Path index) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(index + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new ModelFormatException(index + ": no \"weight_map\" object");
        }
        Path dir = index.toAbsolutePath().normalize().getParent();
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(index + ": weight_map entry for tensor '" + e.getKey() + "' is not a file name");
            }
            byShard.computeIfAbsent(e.getValue().asText(), k -> new ArrayList<>()).add(e.getKey());
        }
        Reader r = new Reader();
        try {
            for (Map.Entry<String, List<String>> e : byShard.entrySet()) {
                Path shard = dir.resolve(e.getKey()).normalize();
                // A shard name like ../x would read outside the model directory; no real checkpoint does that.
                if (!dir.equals(shard.getParent())) {
                    throw new ModelFormatException(index + ": shard '" + e.getKey() + "' (for tensor '"
                            + e.getValue().get(0) + "') is not a file in " + dir);
                }
                if (!Files.isRegularFile(shard)) {
                    throw new ModelFormatException(index + ": shard " + shard + " (for tensor '" + e.getValue().get(0)
                            + "') does not exist");
                }
                r.addFile(shard, new HashSet<>(e.getValue()));
                for (String name : e.getValue()) {
                    TensorInfo t = r.info(name);
                    if (t == null || !t.file().equals(shard)) {
                        throw new ModelFormatException(index + ": weight_map puts tensor '" + name + "' in " + shard
                                + ", but that file has no such tensor");
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    /**
     * Open safetensors files: the tensors of one file or of all shards of a model. Not thread-safe while opening;
     * {@link #read} may be called from several threads.
     */
    public static final class Reader implements AutoCloseable {
        private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        private final Map<Path, FileChannel> channels = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Reader() {
        }

        /** Parses and validates the header of {@code file}; keeps only tensors in {@code only} when non-null. */
        private void addFile(Path file, Set<String> only) throws IOException {
            FileChannel ch;
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                throw new ModelFormatException(file + ": no such file", e);
            }
            channels.put(file, ch);
            Header h = readHeader(file, ch);
            metadata.putAll(h.metadata);
            for (TensorInfo t : h.tensors) {
                if (only != null && !only.contains(t.name())) {
                    System.getLogger(Safetensors.class.getName()).log(System.Logger.Level.WARNING,
                            "{0}: tensor ''{1}'' is not in the index weight_map; ignored", file, t.name());
                    continue;
                }
                TensorInfo previous = tensors.putIfAbsent(t.name(), t);
                if (previous != null) {
                    throw new ModelFormatException(file + ": tensor '" + t.name() + "' is also in " + previous.file());
                }
            }
        }

        /** All tensors, in file order (data offset order within each file). */
        public List<TensorInfo> tensors() {
            return List.copyOf(tensors.values());
        }

        /** The tensor called {@code name}, or null. */
        public TensorInfo info(String name) {
            return tensors.get(name);
        }

        /** The {@code __metadata__} entries of all files (later shards win on equal keys). */
        public Map<String, String> metadata() {
            return Collections.unmodifiableMap(metadata);
        }

        /** The tensor called {@code name} as float32. */
        public float[] read(String name) throws IOException {
            TensorInfo t = require(name);
            if (t.elements() > Integer.MAX_VALUE - 16) {
                throw new ModelFormatException(t.file() + ": tensor '" + name + "' has " + t.elements()
                        + " elements, too many for one Java array");
            }
            float[] out = new float[(int) t.elements()];
            read(name, out, 0);
            return out;
        }

        /** Converts the tensor called {@code name} to float32 into {@code dst[offset ...]}. */
        public void read(String name, float[] dst, long offset) throws IOException {
            TensorInfo t = require(name);
            if (!t.dtype().convertible()) {
                throw new ModelFormatException(t.file() + ": tensor '" + name + "' has unsupported dtype " + t.dtype()
                        + " (supported: " + DType.convertibleNames() + ")");
            }
            long n = t.elements();
            if (offset < 0 || offset + n > dst.length) {
                throw new IllegalArgumentException("tensor '" + name + "' (" + n + " elements) does not fit at offset "
                        + offset + " of a buffer of " + dst.length);
            }
            FileChannel ch = channels.get(t.file());
            long dataStart = headerEnd(ch);
            int esize = t.dtype().bytes();
            // Windows are whole elements; each is mapped, converted and dropped, so RSS stays bounded by the page cache.
            long window = Math.max(esize, (mapWindowBytes / esize) * (long) esize);
            long pos = t.begin();
            int at = (int) offset;
            while (pos < t.end()) {
                long len = Math.min(window, t.end() - pos);
                MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + pos, len);
                buf.order(ByteOrder.LITTLE_ENDIAN);
                int count = (int) (len / esize);
                switch (t.dtype()) {
                    case F32 -> buf.asFloatBuffer().get(dst, at, count);
                    case BF16 -> {
                        for (int i = 0; i < count; i++) dst[at + i] = Float.intBitsToFloat((buf.getShort(2 * i) & 0xFFFF) << 16);
                    }
                    case F16 -> {
                        for (int i = 0; i < count; i++) dst[at + i] = Float.float16ToFloat(buf.getShort(2 * i));
                    }
                    default -> throw new AssertionError(t.dtype());
                }
                at += count;
                pos += len;
            }
        }

        private TensorInfo require(String name) throws ModelFormatException {
            TensorInfo t = tensors.get(name);
            if (t == null) {
                throw new ModelFormatException(channels.keySet() + ": no tensor '" + name + "'");
            }
            return t;
        }

        @Override
        public void close() throws IOException {
            IOException first = null;
            for (FileChannel ch : channels.values()) {
                try {
                    ch.close();
                } catch (IOException e) {
                    if (first == null) first = e;
                }
            }
            channels.clear();
            if (first != null) throw first;
        }
    }

    private record Header(List<TensorInfo> tensors, Map<String, String> metadata) {
    }

    private static long headerEnd(FileChannel ch) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(len, 0);
        return 8 + len.getLong(0);
    }

    private static Header readHeader(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new ModelFormatException(file + ": " + size + " bytes, too short for a safetensors file (8-byte header length)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long n = lenBuf.getLong(0);
        if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
            throw new ModelFormatException(file + ": corrupt header length " + n + " (file has " + size
                    + " bytes; the header must fit in the file and be at most " + MAX_HEADER_BYTES + " bytes)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(ch, hb, 8);
        JsonNode root;
        try {
            root = JSON.readTree(hb.array());
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file + ": header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file + ": header is not a JSON object");
        }
        long dataSize = size - 8 - n;
        Map<String, String> meta = new LinkedHashMap<>();
        List<TensorInfo> list = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) throw new ModelFormatException(file + ": __metadata__ is not a JSON object");
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        throw new ModelFormatException(file + ": __metadata__ value '" + kv.getKey() + "' is not a string");
                    }
                    meta.put(kv.getKey(), kv.getValue().asText());
                }
                continue;
            }
            list.add(parseEntry(file, name, v, dataSize));
        }
        // The reference implementation requires the tensors to tile the data section exactly: no overlap, no gap.
        List<TensorInfo> byOffset = new ArrayList<>(list);
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        TensorInfo prev = null;
        for (TensorInfo t : byOffset) {
            if (t.begin() < expected) {
                throw new ModelFormatException(file + ": tensor '" + t.name() + "' data_offsets [" + t.begin() + ", "
                        + t.end() + "] overlap tensor '" + prev.name() + "' [" + prev.begin() + ", " + prev.end() + "]");
            }
            if (t.begin() > expected) {
                throw new ModelFormatException(file + ": incomplete data: bytes [" + expected + ", " + t.begin()
                        + ") before tensor '" + t.name() + "' belong to no tensor");
            }
            expected = t.end();
            prev = t;
        }
        if (expected != dataSize) {
            throw new ModelFormatException(file + ": incomplete data: the data section has " + dataSize
                    + " bytes but the tensors cover " + expected + (prev == null ? "" : " (last tensor '" + prev.name() + "')"));
        }
        return new Header(byOffset, meta);
    }

    private static TensorInfo parseEntry(Path file, String name, JsonNode v, long dataSize) throws ModelFormatException {
        String where = file + ": tensor '" + name + "'";
        if (!v.isObject()) throw new ModelFormatException(where + ": header entry is not a JSON object");
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) throw new ModelFormatException(where + ": missing \"dtype\"");
        DType dtype = DType.parse(dt.asText());
        if (dtype == null) {
            throw new ModelFormatException(where + ": unknown dtype '" + dt.asText() + "' (supported: "
                    + DType.convertibleNames() + ")");
        }
        JsonNode sh = v.get("shape");
        if (sh == null || !sh.isArray()) throw new ModelFormatException(where + ": missing \"shape\" array");
        long[] shape = new long[sh.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToExactIntegral() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new ModelFormatException(where + ": shape " + sh + " has a dimension that is not a non-negative integer");
            }
            shape[i] = d.asLong();
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException overflow) {
                throw new ModelFormatException(where + ": shape " + sh + " is too large");
            }
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).canConvertToExactIntegral()
                || !off.get(1).canConvertToExactIntegral()) {
            throw new ModelFormatException(where + ": \"data_offsets\" must be [begin, end]");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new ModelFormatException(where + ": bad data_offsets [" + begin + ", " + end + "]");
        }
        if (end > dataSize) {
            throw new ModelFormatException(where + ": data_offsets [" + begin + ", " + end + "] lie outside the file "
                    + "(data section has " + dataSize + " bytes; truncated file?)");
        }
        // elements <= dataSize keeps the product below 2^63.
        if (elements > dataSize || end - begin != elements * dtype.bytes()) {
            throw new ModelFormatException(where + ": data_offsets span " + (end - begin) + " bytes but " + dtype
                    + " shape " + sh + " needs " + elements * dtype.bytes());
        }
        return new TensorInfo(name, dtype, shape, file, begin, end);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) throw new IOException("unexpected end of file");
        }
    }

    // ------------------------------------------------------------------ writing

    /** Writes float32 tensors with {@code __metadata__ {"format":"pt"}}. */
    public static void write(Path file, List<Tensor> tensors) throws IOException {
        write(file, tensors, DType.F32, Map.of("format", "pt"));
    }

    /**
     * Writes {@code tensors} in the given order (header and data alike, so equal inputs give byte-identical files)
     * as {@code dtype} (F32, BF16 with round-to-nearest-even, or F16). The file appears atomically: it is written
     * next to its destination and renamed.
     */
    public static void write(Path file, List<Tensor> tensors, DType dtype, Map<String, String> metadata) throws IOException {
        if (!dtype.convertible()) {
            throw new IllegalArgumentException("cannot write dtype " + dtype + " (supported: " + DType.convertibleNames() + ")");
        }
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            new java.util.TreeMap<>(metadata).forEach(meta::put);
        }
        long pos = 0;
        for (Tensor t : tensors) {
            if (t.name().isEmpty() || t.name().equals("__metadata__")) {
                throw new IllegalArgumentException("invalid tensor name '" + t.name() + "'");
            }
            if (header.has(t.name())) throw new IllegalArgumentException("duplicate tensor '" + t.name() + "'");
            for (int d : t.shape()) {
                if (d < 0) throw new IllegalArgumentException("tensor '" + t.name() + "': negative dimension in " + Arrays.toString(t.shape()));
            }
            if (t.offset() < 0 || t.offset() + t.elements() > t.data().length) {
                throw new IllegalArgumentException("tensor '" + t.name() + "': shape " + Arrays.toString(t.shape())
                        + " at offset " + t.offset() + " exceeds its buffer of " + t.data().length + " floats");
            }
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", dtype.name());
            ArrayNode shape = e.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            long len = t.elements() * dtype.bytes();
            e.putArray("data_offsets").add(pos).add(pos + len);
            pos += len;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        // Pad with spaces so the data section starts 8-byte aligned (what the reference writer does).
        int padded = (json.length + 7) & ~7;
        byte[] hb = Arrays.copyOf(json, padded);
        Arrays.fill(hb, json.length, padded, (byte) ' ');

        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(padded);
            flush(ch, buf);
            ByteBuffer h = ByteBuffer.wrap(hb);
            while (h.hasRemaining()) ch.write(h);
            for (Tensor t : tensors) {
                long n = t.elements();
                for (long i = 0; i < n; i++) {
                    if (buf.remaining() < 4) flush(ch, buf);
                    float f = t.data()[(int) (t.offset() + i)];
                    switch (dtype) {
                        case F32 -> buf.putFloat(f);
                        case BF16 -> buf.putShort(toBf16(f));
                        case F16 -> buf.putShort(Float.floatToFloat16(f));
                        default -> throw new AssertionError(dtype);
                    }
                }
            }
            flush(ch, buf);
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void flush(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
        buf.clear();
    }

    /** float32 to bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN. */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
