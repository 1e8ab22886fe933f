package dev.distillery.trainers.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {

    @TempDir
    Path tmp;

    private static int[] bits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) b[i] = Float.floatToRawIntBits(x[i]);
        return b;
    }

    @Test
    void f32RoundTripIsBitExact() throws IOException {
        float[] special = {0f, -0f, 1f, -1.5f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY,
                Float.POSITIVE_INFINITY, Float.intBitsToFloat(0x7fc12345), 3.14159265f, 1e-30f, -7e20f};
        float[] big = TestFiles.random(1, 2 * 3 * 5);
        float[] flat = new float[40];
        System.arraycopy(big, 0, flat, 7, 30);
        Path f = tmp.resolve("a.safetensors");
        Safetensors.write(f, List.of(
                Safetensors.Tensor.of("special", special, 12),
                new Safetensors.Tensor("slice", new int[]{2, 3, 5}, flat, 7),
                Safetensors.Tensor.of("empty", new float[0], 0, 4)));
        try (Safetensors.Reader r = Safetensors.open(f)) {
            assertEquals(List.of("special", "slice", "empty"), r.tensors().stream().map(Safetensors.TensorInfo::name).toList());
            assertArrayEquals(bits(special), bits(r.read("special")));
            assertArrayEquals(bits(big), bits(r.read("slice")));
            assertArrayEquals(new long[]{2, 3, 5}, r.info("slice").shape());
            assertEquals(DType.F32, r.info("slice").dtype());
            assertEquals(0, r.read("empty").length);
            assertEquals(Map.of("format", "pt"), r.metadata());
            assertNull(r.info("nope"));
        }
        // Header length is a multiple of 8, so the data section is 8-byte aligned.
        ByteBuffer head = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        long n = head.getLong(0);
        assertEquals(0, n % 8);
        assertEquals(Files.size(f), 8 + n + (12 + 30) * 4L);
        String json = new String(Files.readAllBytes(f), 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"__metadata__\":{\"format\":\"pt\"}"), json);
    }

    @Test
    void writingTwiceGivesIdenticalBytes() throws IOException {
        float[] x = TestFiles.random(2, 20);
        List<Safetensors.Tensor> t = List.of(Safetensors.Tensor.of("b", x, 4, 5), Safetensors.Tensor.of("a", x, 20));
        Safetensors.write(tmp.resolve("1"), t);
        Safetensors.write(tmp.resolve("2"), t);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("1")), Files.readAllBytes(tmp.resolve("2")));
    }

    @Test
    void bf16AndF16RoundTripRepresentableValues() throws IOException {
        // Values with at most 8 significant bits fit both BF16 (8) and F16 (11), within F16's range.
        float[] x = {0f, -0f, 1f, -2f, 0.5f, 0.375f, -96f, 1.0078125f, 255f, -0.0078125f, 1024f, Float.POSITIVE_INFINITY};
        for (DType t : List.of(DType.BF16, DType.F16)) {
            Path f = tmp.resolve(t + ".safetensors");
            Safetensors.write(f, List.of(Safetensors.Tensor.of("x", x, 3, 4)), t, Map.of("format", "pt"));
            assertEquals(8 + headerLen(f) + x.length * 2L, Files.size(f));
            try (Safetensors.Reader r = Safetensors.open(f)) {
                assertEquals(t, r.info("x").dtype());
                assertArrayEquals(bits(x), bits(r.read("x")), t.name());
            }
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        // 1 + 2^-8 is halfway between bf16 1 and 1 + 2^-7: ties go to the even mantissa (1).
        assertEquals(1f, Float.intBitsToFloat(Safetensors.toBf16(1f + 0x1p-8f) << 16));
        assertEquals(1f + 0x1p-6f, Float.intBitsToFloat(Safetensors.toBf16(1f + 0x1p-7f + 0x1p-8f) << 16));
        assertTrue(Float.isNaN(Float.intBitsToFloat(Safetensors.toBf16(Float.NaN) << 16)));
    }

    @Test
    void readsInSeveralMapWindows() throws IOException {
        float[] x = TestFiles.random(3, 37);
        Path f = tmp.resolve("w.safetensors");
        Safetensors.write(f, List.of(Safetensors.Tensor.of("pad", new float[3], 3), Safetensors.Tensor.of("x", x, 37)));
        int saved = Safetensors.mapWindowBytes;
        Safetensors.mapWindowBytes = 12;   // 3 floats per window: 13 windows, the last one partial
        try (Safetensors.Reader r = Safetensors.open(f)) {
            float[] dst = new float[40];
            r.read("x", dst, 2);
            assertArrayEquals(bits(x), bits(java.util.Arrays.copyOfRange(dst, 2, 39)));
        } finally {
            Safetensors.mapWindowBytes = saved;
        }
    }

    @Test
    void shardedIndexJoinsShards() throws IOException {
        float[] a = TestFiles.random(4, 6), b = TestFiles.random(5, 4), c = TestFiles.random(6, 2);
        Safetensors.write(tmp.resolve("model-00001-of-00002.safetensors"),
                List.of(Safetensors.Tensor.of("a", a, 2, 3), Safetensors.Tensor.of("c", c, 2)));
        Safetensors.write(tmp.resolve("model-00002-of-00002.safetensors"), List.of(Safetensors.Tensor.of("b", b, 4)));
        Files.writeString(tmp.resolve(Safetensors.INDEX_FILE), """
                {"metadata": {"total_size": 48}, "weight_map": {
                  "a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors",
                  "c": "model-00001-of-00002.safetensors"}}""");
        try (Safetensors.Reader r = Safetensors.openDirectory(tmp)) {
            assertEquals(3, r.tensors().size());
            assertArrayEquals(bits(a), bits(r.read("a")));
            assertArrayEquals(bits(b), bits(r.read("b")));
            assertArrayEquals(bits(c), bits(r.read("c")));
            assertEquals(tmp.resolve("model-00002-of-00002.safetensors"), r.info("b").file());
        }
    }

    @Test
    void shardedIndexErrorsNameIndexShardAndTensor() throws IOException {
        Safetensors.write(tmp.resolve("s1.safetensors"), List.of(Safetensors.Tensor.of("a", new float[2], 2)));
        Path index = tmp.resolve(Safetensors.INDEX_FILE);
        Files.writeString(index, "{\"weight_map\": {\"a\": \"s1.safetensors\", \"b\": \"s1.safetensors\"}}");
        var e = assertThrows(ModelFormatException.class, () -> Safetensors.openDirectory(tmp));
        assertTrue(e.getMessage().contains(Safetensors.INDEX_FILE) && e.getMessage().contains("'b'")
                && e.getMessage().contains("s1.safetensors"), e.getMessage());

        Files.writeString(index, "{\"weight_map\": {\"a\": \"s1.safetensors\", \"z\": \"missing.safetensors\"}}");
        e = assertThrows(ModelFormatException.class, () -> Safetensors.openDirectory(tmp));
        assertTrue(e.getMessage().contains("missing.safetensors") && e.getMessage().contains("'z'"), e.getMessage());

        Files.writeString(index, "{\"weight_map\": {\"a\": \"../s1.safetensors\"}}");
        e = assertThrows(ModelFormatException.class, () -> Safetensors.openDirectory(tmp));
        assertTrue(e.getMessage().contains("not a file in"), e.getMessage());

        Files.writeString(index, "{\"weight\": {}}");
        e = assertThrows(ModelFormatException.class, () -> Safetensors.openDirectory(tmp));
        assertTrue(e.getMessage().contains("weight_map"), e.getMessage());
    }

    @Test
    void missingWeightsFileIsNamed() {
        var e = assertThrows(ModelFormatException.class, () -> Safetensors.openDirectory(tmp));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    }

    /** Opens {@code f} and reads every tensor; returns the message of the failure. */
    private static String failure(Path f) {
        var e = assertThrows(ModelFormatException.class, () -> {
            try (Safetensors.Reader r = Safetensors.open(f)) {
                for (Safetensors.TensorInfo t : r.tensors()) r.read(t.name());
            }
        });
        assertTrue(e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void corruptFilesAreRejectedWithFileAndTensorNamed() throws IOException {
        Path f = tmp.resolve("bad.safetensors");
        Files.write(f, new byte[]{1, 2, 3});
        assertTrue(failure(f).contains("too short"));

        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putLong(0);
        Files.write(f, b.array());
        assertTrue(failure(f).contains("corrupt header length"));

        TestFiles.raw(f, "{\"x\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]", 8);
        assertTrue(failure(f).contains("not valid JSON"));

        TestFiles.raw(f, "[1, 2]", 0);
        assertTrue(failure(f).contains("not a JSON object"));

        TestFiles.raw(f, "{\"x\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + " \"x\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 16]}}", 16);
        assertTrue(failure(f).contains("Duplicate field 'x'"));

        TestFiles.raw(f, "{\"x\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", 12);
        String m = failure(f);
        assertTrue(m.contains("'x'") && m.contains("outside the file"), m);

        TestFiles.raw(f, "{\"x\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + " \"y\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12);
        m = failure(f);
        assertTrue(m.contains("'y'") && m.contains("overlap") && m.contains("'x'"), m);

        TestFiles.raw(f, "{\"x\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + " \"y\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [12, 16]}}", 16);
        m = failure(f);
        assertTrue(m.contains("'y'") && m.contains("incomplete"), m);

        TestFiles.raw(f, "{\"x\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 12);
        m = failure(f);
        assertTrue(m.contains("'x'") && m.contains("incomplete"), m);

        TestFiles.raw(f, "{\"x\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", 8);
        m = failure(f);
        assertTrue(m.contains("'x'") && m.contains("needs 12"), m);

        TestFiles.raw(f, "{\"x\": {\"dtype\": \"Q4_K\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 8);
        m = failure(f);
        assertTrue(m.contains("'x'") && m.contains("unknown dtype 'Q4_K'"), m);

        TestFiles.raw(f, "{\"x\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}", 8);
        assertTrue(failure(f).contains("non-negative"));

        TestFiles.raw(f, "{\"x\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8]}}", 8);
        assertTrue(failure(f).contains("data_offsets"));

        TestFiles.raw(f, "{\"__metadata__\": {\"format\": 1}}", 0);
        assertTrue(failure(f).contains("__metadata__"));
    }

    @Test
    void unsupportedDtypeOpensButRefusesToRead() throws IOException {
        Path f = TestFiles.raw(tmp.resolve("f64.safetensors"),
                "{\"ok\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},"
                        + " \"d\": {\"dtype\": \"F64\", \"shape\": [2], \"data_offsets\": [4, 20]}}", 20);
        try (Safetensors.Reader r = Safetensors.open(f)) {
            assertEquals(1, r.read("ok").length);
            var e = assertThrows(ModelFormatException.class, () -> r.read("d"));
            assertTrue(e.getMessage().contains("'d'") && e.getMessage().contains("unsupported dtype F64")
                    && e.getMessage().contains(f.toString()), e.getMessage());
        }
    }

    @Test
    void truncatedFileIsDetected() throws IOException {
        Path f = tmp.resolve("t.safetensors");
        Safetensors.write(f, List.of(Safetensors.Tensor.of("a", new float[4], 4), Safetensors.Tensor.of("last", new float[4], 4)));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(f) - 4);
        }
        String m = failure(f);
        assertTrue(m.contains("'last'") && m.contains("truncated"), m);
    }

    @Test
    void writerRejectsBadInput() {
        Path f = tmp.resolve("w.safetensors");
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(f,
                List.of(Safetensors.Tensor.of("a", new float[2], 2), Safetensors.Tensor.of("a", new float[2], 2))));
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(f, List.of(Safetensors.Tensor.of("a", new float[2], 3))));
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(f, List.of(), DType.I32, Map.of()));
        assertTrue(Files.notExists(f));
    }

    private static long headerLen(Path f) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }
}
