package dev.distillery.trainers.io;

import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Test fixtures: random weights and hand-made (possibly corrupt) safetensors files. */
final class TestFiles {
    private TestFiles() {
    }

    static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    static ModelWeights randomWeights(ModelConfig c, long seed) {
        ModelWeights w = ModelWeights.zeros(c);
        float[] x = random(seed, w.data().length);
        System.arraycopy(x, 0, w.data(), 0, x.length);
        return w;
    }

    /** A file with {@code header} verbatim as its JSON header and {@code dataBytes} bytes of data (value i & 0x7f). */
    static Path raw(Path file, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (int i = 0; i < dataBytes; i++) b.put((byte) (i & 0x7f));
        Files.write(file, b.array());
        return file;
    }
}
