package dev.distillery.orchestrator.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the run store held a moment ago, as a file other processes can read while one process holds the database:
 * every run and every stage with its counters. The holder rewrites {@code distillery.snapshot.json} (whole, by an
 * atomic rename, so a reader never sees half a file) about once a second while something changes, and at open and
 * close. {@code distillery status} and {@code runs} fall back to it when the store is in use.
 *
 * <p>Why a file and not H2's {@code AUTO_SERVER}: the store locks with {@code FILE_LOCK=FS} (the OS releases it when
 * a killed process dies), which H2 does not allow together with {@code AUTO_SERVER}; a second process would also
 * have to stay away from the holder's journal, and the holder would listen on a TCP port.
 *
 * <pre>{@code
 * StoreSnapshot s = StoreSnapshot.read(workspace).orElseThrow();
 * for (RunRecord r : s.runs()) System.out.println(r.id() + " " + r.status());
 * }</pre>
 *
 * @param pid       the process that holds the store and wrote the snapshot
 * @param writtenAt when it was written
 * @param runs      every run, newest first (as {@link RunStore#listRuns()})
 * @param stages    every run's stages by run id, by stage name
 */
public record StoreSnapshot(long pid, Instant writtenAt, List<RunRecord> runs, Map<String, List<StageRecord>> stages) {

    public static final String FILE_NAME = "distillery.snapshot.json";

    public StoreSnapshot {
        runs = List.copyOf(runs);
        stages = Map.copyOf(stages);
    }

    /** The snapshot file of a workspace. */
    public static Path file(Path workspace) {
        return workspace.resolve(FILE_NAME);
    }

    public Optional<RunRecord> run(String runId) {
        return runs.stream().filter(r -> r.id().equals(runId)).findFirst();
    }

    /** A run's stages by name; empty when the run has none yet or is unknown. */
    public List<StageRecord> stages(String runId) {
        return stages.getOrDefault(runId, List.of());
    }

    /** How old the snapshot is at {@code now}. */
    public Duration age(Instant now) {
        return Duration.between(writtenAt, now);
    }

    /** Whether the process that wrote it is still alive (if not, the snapshot is what it left behind when killed). */
    public boolean writerAlive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The snapshot of {@code workspace}, or empty when none was written. */
    public static Optional<StoreSnapshot> read(Path workspace) {
        Path file = file(workspace.toAbsolutePath().normalize());
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the run store snapshot: " + e.getMessage(), e);
        }
        try {
            Path ws = file.getParent();
            List<RunRecord> runs = new ArrayList<>();
            for (JsonNode r : root.get("runs")) {
                runs.add(new RunRecord(r.get("id").asText(), r.get("name").asText(), r.get("spec_fingerprint").asText(),
                        RunStatus.valueOf(r.get("status").asText()), instant(r, "created_at"), instant(r, "started_at"),
                        instant(r, "finished_at"), ws.resolve(r.get("run_dir").asText()), text(r, "error")));
            }
            Map<String, List<StageRecord>> stages = new LinkedHashMap<>();
            for (JsonNode s : root.get("stages")) {
                JsonNode c = s.get("counters");
                Counters counters = new Counters(c.get(0).asLong(), c.get(1).asLong(), c.get(2).asLong(),
                        c.get(3).asLong(), c.get(4).asLong(), c.get(5).asLong(), c.get(6).asLong());
                StageRecord rec = new StageRecord(s.get("run").asText(), s.get("name").asText(), s.get("kind").asText(),
                        s.get("fingerprint").asText(), StageStatus.valueOf(s.get("status").asText()), counters,
                        instant(s, "started_at"), instant(s, "finished_at"), text(s, "error"));
                stages.computeIfAbsent(rec.runId(), k -> new ArrayList<>()).add(rec);
            }
            return Optional.of(new StoreSnapshot(root.get("pid").asLong(), Instant.parse(root.get("written_at").asText()),
                    runs, stages));
        } catch (RuntimeException e) {
            throw new RunStoreException(file + ": the run store snapshot is not readable (" + e + "); it is rewritten "
                    + "by the process holding the store within a second, try again", e);
        }
    }

    /** Writes the snapshot as {@code workspace/distillery.snapshot.json}, replacing the old one atomically. */
    void write(Path workspace) throws IOException {
        ObjectNode root = Json.object().put("pid", pid).put("written_at", writtenAt.toString());
        ArrayNode rs = root.putArray("runs");
        for (RunRecord r : runs) {
            ObjectNode n = rs.addObject().put("id", r.id()).put("name", r.name())
                    .put("spec_fingerprint", r.specFingerprint()).put("status", r.status().name())
                    .put("run_dir", workspace.relativize(r.runDir()).toString());
            putInstant(n, "created_at", r.createdAt());
            putInstant(n, "started_at", r.startedAt());
            putInstant(n, "finished_at", r.finishedAt());
            n.put("error", r.error());
        }
        ArrayNode ss = root.putArray("stages");
        for (List<StageRecord> list : stages.values()) {
            for (StageRecord s : list) {
                ObjectNode n = ss.addObject().put("run", s.runId()).put("name", s.name()).put("kind", s.kind())
                        .put("fingerprint", s.fingerprint()).put("status", s.status().name());
                Counters c = s.counters();
                n.putArray("counters").add(c.recordsIn()).add(c.recordsOut()).add(c.rejected()).add(c.deadLettered())
                        .add(c.tokensIn()).add(c.tokensOut()).add(c.costMicros());
                putInstant(n, "started_at", s.startedAt());
                putInstant(n, "finished_at", s.finishedAt());
                n.put("error", s.error());
            }
        }
        Path target = file(workspace);
        Path tmp = workspace.resolve(FILE_NAME + ".tmp");
        Files.write(tmp, Json.MAPPER.writeValueAsBytes(root));
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void putInstant(ObjectNode n, String field, Instant value) {
        if (value == null) n.putNull(field);
        else n.put(field, value.toString());
    }

    private static Instant instant(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : Instant.parse(v.asText());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
