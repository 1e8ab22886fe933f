package dev.distillery.trainers.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.trainers.io.FileTrees;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A resumable training state: trainable parameters, AdamW moments, the optimizer step and the data position. Stored
 * as {@code OUTPUT/checkpoints/step-NNNNNN/} with {@code state.json} and three float files; written to a temporary
 * directory and renamed, so a checkpoint is either complete or absent, and a run killed while saving resumes from the
 * previous one.
 *
 * <pre>{@code
 * Checkpoint.save(out, new Checkpoint(step, epoch, position, params, m, v));
 * Optional<Checkpoint> last = Checkpoint.latest(out);
 * }</pre>
 *
 * @param step      optimizer steps completed
 * @param epoch     epoch of the next step
 * @param position  rows of that epoch already consumed
 * @param params    trainable parameters
 * @param m         AdamW first moments
 * @param v         AdamW second moments
 */
public record Checkpoint(int step, int epoch, int position, float[] params, float[] m, float[] v) {

    private static final Pattern NAME = Pattern.compile("step-(\\d+)");
    private static final int MAGIC = 0x44535446; // "DSTF"

    public static Path directory(Path output) {
        return output.resolve("checkpoints");
    }

    /** Saves atomically and keeps only the newest {@code keep} checkpoints. */
    public static Path save(Path output, Checkpoint c, int keep) {
        Path root = directory(output);
        Path target = root.resolve(String.format("step-%06d", c.step));
        Path tmp = root.resolve(String.format(".step-%06d.tmp", c.step));
        try {
            Files.createDirectories(root);
            FileTrees.delete(tmp);
            Files.createDirectories(tmp);
            writeFloats(tmp.resolve("params.bin"), c.params);
            writeFloats(tmp.resolve("adam_m.bin"), c.m);
            writeFloats(tmp.resolve("adam_v.bin"), c.v);
            ObjectNode state = Json.object().put("step", c.step).put("epoch", c.epoch).put("position", c.position)
                    .put("trainable_parameters", c.params.length);
            Files.writeString(tmp.resolve("state.json"), Json.pretty(state));
            FileTrees.delete(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            List<Path> all = list(root);
            for (int i = 0; i < all.size() - keep; i++) FileTrees.delete(all.get(i));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot save checkpoint: " + e.getMessage(), e);
        }
    }

    /** The newest complete checkpoint under {@code output}, if any. */
    public static Optional<Checkpoint> latest(Path output) {
        Path root = directory(output);
        if (!Files.isDirectory(root)) return Optional.empty();
        List<Path> all = list(root);
        return all.isEmpty() ? Optional.empty() : Optional.of(load(all.get(all.size() - 1)));
    }

    public static Checkpoint load(Path dir) {
        try {
            var state = Json.MAPPER.readTree(dir.resolve("state.json").toFile());
            return new Checkpoint(state.get("step").asInt(), state.get("epoch").asInt(), state.get("position").asInt(),
                    readFloats(dir.resolve("params.bin")), readFloats(dir.resolve("adam_m.bin")),
                    readFloats(dir.resolve("adam_v.bin")));
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read checkpoint: " + e.getMessage(), e);
        }
    }

    private static List<Path> list(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** magic, count, little-endian floats, CRC32 of the float bytes. */
    static void writeFloats(Path file, float[] data) throws IOException {
        CRC32 crc = new CRC32();
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(raw, 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(data.length);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : data) {
                if (!buf.hasRemaining()) {
                    crc.update(buf.array(), 0, buf.position());
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(f);
            }
            crc.update(buf.array(), 0, buf.position());
            out.write(buf.array(), 0, buf.position());
            out.writeLong(crc.getValue());
        }
    }

    static float[] readFloats(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
            if (in.readInt() != MAGIC) throw new IOException(file + ": not a Distillery checkpoint tensor file");
            int n = in.readInt();
            byte[] bytes = new byte[n * 4];
            in.readFully(bytes);
            CRC32 crc = new CRC32();
            crc.update(bytes);
            if (in.readLong() != crc.getValue()) throw new IOException(file + ": checksum mismatch (corrupt checkpoint)");
            float[] out = new float[n];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
    }
}
