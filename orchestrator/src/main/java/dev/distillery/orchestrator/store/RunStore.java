package dev.distillery.orchestrator.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The run store of a workspace: an embedded H2 database ({@code distillery.mv.db}) holding runs, stages, counters,
 * events, metrics, finished work items and the model-call cache, plus one {@link RunDirectory} per run. Plain Java,
 * thread-safe, no CDI.
 *
 * <p>Durability: every write method returns only once its change survives a SIGKILL of the process. Writes from all
 * threads go through one writer thread that commits them in groups; after each commit the group's item, event,
 * metric and cache entries are appended to a redo {@link Journal} with one write, and structural changes (runs,
 * stages) are followed by an H2 {@code CHECKPOINT}. Every {@code checkpointInterval} (1 s) the database file is brought
 * up to date and the journal emptied; on open, a journal left by a killed process is replayed. {@link #addCounters}
 * is the exception: it only adds in memory, the writer folds the sums into its next commit, and a kill can lose up
 * to about a {@code checkpointInterval} of them; use the counters argument of {@link #markItemDone} where a count must
 * be exact across a kill. Nothing is fsynced: a power cut can lose recent writes.
 *
 * <p>One process at a time: H2 locks the file ({@code FILE_LOCK=FS}, released by the OS when a process dies), so a
 * second {@code open} of the same workspace waits up to {@code lockWait} and then fails with a
 * {@link StoreInUseException}. The holder keeps a {@link StoreSnapshot} file up to date for such readers.
 *
 * <p>Usage:
 * <pre>{@code
 * try (RunStore store = RunStore.open(Path.of("runs"))) {
 *     RunRecord run = store.createRun("sft-docs", specYaml, Fingerprints.spec(spec));
 *     store.markRun(run.id(), RunStatus.RUNNING, null);
 *     store.upsertStage(run.id(), "generate", "flow", stageFingerprint);
 *     if (!store.isDone(run.id(), "generate", key)) {
 *         store.markItemDone(run.id(), "generate", key, List.of(recordId), Counters.in(1).plus(Counters.out(1)));
 *     }
 * }
 * }</pre>
 */
public final class RunStore implements AutoCloseable {

    /** H2 adds {@code .mv.db} to this name. */
    public static final String DATABASE_NAME = "distillery";
    public static final Path DEFAULT_WORKSPACE = Path.of("runs");
    /** The redo log beside the database (see {@link Journal}). */
    public static final String JOURNAL_NAME = "distillery.journal";
    /** Above this size the journal is checkpointed at once instead of waiting for the interval. */
    private static final long JOURNAL_LIMIT_BYTES = 16L << 20;

    private static final String USER = "distillery";
    private static final int DATABASE_ALREADY_OPEN = 90020;
    private static final DateTimeFormatter RUN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {
    };
    private static final String STAGE_COLUMNS = "run_id, name, kind, fingerprint, status, records_in, records_out, "
            + "records_rejected, records_dead_lettered, tokens_in, tokens_out, cost_micros, started_at, finished_at, error";
    private static final String ADD_COUNTERS = "UPDATE stages SET records_in = records_in + ?, "
            + "records_out = records_out + ?, records_rejected = records_rejected + ?, "
            + "records_dead_lettered = records_dead_lettered + ?, tokens_in = tokens_in + ?, "
            + "tokens_out = tokens_out + ?, cost_micros = cost_micros + ? WHERE run_id = ? AND name = ?";

    private static final String ITEM_EXISTS = "SELECT 1 FROM work_items WHERE run_id = ? AND stage = ? AND item_key = ?";
    private static final String INSERT_ITEM = "INSERT INTO work_items (run_id, stage, item_key, status, output_ids, done_at) "
            + "VALUES (?, ?, ?, 'DONE', ?, ?)";
    private static final String PROGRESS_OF_STAGE = "SELECT records_in, records_out, records_rejected, "
            + "records_dead_lettered FROM stages WHERE run_id = ? AND name = ?";
    /** Replays a progress entry: counts only grow between resets, so the larger value is the later one. */
    private static final String REPLAY_PROGRESS = "UPDATE stages SET records_in = GREATEST(records_in, ?), "
            + "records_out = GREATEST(records_out, ?), records_rejected = GREATEST(records_rejected, ?), "
            + "records_dead_lettered = GREATEST(records_dead_lettered, ?) WHERE run_id = ? AND name = ? AND fingerprint = ?";
    private static final String MERGE_METRIC = "MERGE INTO metrics (run_id, stage, series, step, val, at) "
            + "KEY (run_id, stage, series, step) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String MERGE_CACHE = "MERGE INTO call_cache (cache_key, model, response, tokens_in, tokens_out, created_at) "
            + "KEY (cache_key) VALUES (?, ?, ?, ?, ?, ?)";

    private final Path workspace;
    private final String jdbcUrl;
    private final Secrets secrets;
    private final Clock clock;
    private final Connection writeConnection;
    private final Connection readConnection;
    private final ReentrantLock readLock = new ReentrantLock();
    private final Map<String, PreparedStatement> writeStatements = new HashMap<>();
    private final Map<String, PreparedStatement> readStatements = new HashMap<>();
    private final PendingCounters pending = new PendingCounters();
    private final Journal journal;
    private final long checkpointIntervalNanos;
    private final WriterHooks hooks;
    /** Writer thread only: the fingerprint each stage had when its items were journaled. */
    private final Map<StageKey, String> stageFingerprints = new HashMap<>();
    private final Set<StageKey> knownStages = ConcurrentHashMap.newKeySet();
    private final StoreWriter writer;
    private final CallCacheRepository callCache = new CallCacheRepository(this);
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set after every commit: the snapshot file other processes read is out of date. */
    private final AtomicBoolean snapshotDirty = new AtomicBoolean(true);
    private final long snapshotIntervalMillis;
    private Thread snapshotter;
    private boolean snapshotFailureReported;

    private RunStore(Builder b, String jdbcUrl, Connection writeConnection, Connection readConnection, Journal journal) {
        this.workspace = b.workspace;
        this.jdbcUrl = jdbcUrl;
        this.secrets = b.secrets;
        this.clock = b.clock;
        this.writeConnection = writeConnection;
        this.readConnection = readConnection;
        this.journal = journal;
        this.checkpointIntervalNanos = b.checkpointInterval.toNanos();
        this.snapshotIntervalMillis = b.snapshotInterval.toMillis();
        this.hooks = new WriterHooks();
        this.writer = new StoreWriter(writeConnection, hooks, b.counterFlushInterval.toMillis(), "run-store-writer");
    }

    /** Opens (creating and migrating as needed) the run store in {@code workspace} with default settings. */
    public static RunStore open(Path workspace) {
        return builder(workspace).open();
    }

    /** Settings for {@link #open(Path)}: secrets masker, lock wait, counter flush interval, clock. */
    public static Builder builder(Path workspace) {
        return new Builder(workspace);
    }

    /** Options of a run store; {@link #open()} opens it. */
    public static final class Builder {
        private final Path workspace;
        private Secrets secrets = Secrets.fromEnvironment();
        private Duration lockWait = Duration.ofSeconds(3);
        private Duration counterFlushInterval = Duration.ofMillis(100);
        private Clock clock = Clock.systemUTC();
        private Duration checkpointInterval = Duration.ofSeconds(1);
        private Duration snapshotInterval = Duration.ofSeconds(1);

        private Builder(Path workspace) {
            this.workspace = Objects.requireNonNull(workspace, "workspace").toAbsolutePath().normalize();
        }

        /** What masks secrets in everything written (default: the process environment's). */
        public Builder secrets(Secrets secrets) {
            this.secrets = Objects.requireNonNull(secrets, "secrets");
            return this;
        }

        /** How long to wait for another process to release the database (default 3 s). */
        public Builder lockWait(Duration lockWait) {
            this.lockWait = Objects.requireNonNull(lockWait, "lockWait");
            return this;
        }

        /** The longest time an {@link #addCounters} increment stays in memory only (default 100 ms). */
        public Builder counterFlushInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("counterFlushInterval must be positive, was " + interval);
            }
            this.counterFlushInterval = interval;
            return this;
        }

        /**
         * How often the database file is brought up to date so the journal can be emptied (default 1 s). Also the
         * most batched {@link RunStore#addCounters} increments a kill can lose.
         */
        public Builder checkpointInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("checkpointInterval must be positive, was " + interval);
            }
            this.checkpointInterval = interval;
            return this;
        }

        /**
         * How often, while something changes, {@link StoreSnapshot the snapshot} other processes read is rewritten
         * (default 1 s).
         */
        public Builder snapshotInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("snapshotInterval must be positive, was " + interval);
            }
            this.snapshotInterval = interval;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public RunStore open() {
            try {
                Files.createDirectories(workspace);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create workspace " + workspace, e);
            }
            // H2 keeps its default lazy writing (WRITE_DELAY 500 ms, background compaction): durability comes from
            // the Journal, written before callers are answered, and from CHECKPOINTs (see docs/run-store.md).
            String url = "jdbc:h2:file:" + workspace.resolve(DATABASE_NAME) + ";AUTO_SERVER=FALSE;FILE_LOCK=FS";
            long deadline = System.nanoTime() + lockWait.toNanos();
            while (true) {
                try {
                    return attempt(url);
                } catch (SQLException | RuntimeException e) {
                    if (!alreadyOpen(e)) {
                        throw new RunStoreException("cannot open the run store in " + workspace + ": " + e.getMessage(), e);
                    }
                    if (System.nanoTime() > deadline) {
                        throw new StoreInUseException("the run store in " + workspace + " is in use by another process "
                                + "(a running 'distillery run'?); waited " + lockWait.toMillis() + " ms", e);
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new RunStoreException("interrupted while waiting for the run store in " + workspace, interrupted);
                    }
                }
            }
        }

        private RunStore attempt(String url) throws SQLException {
            // Migrate while no other connection is open, so the database closes behind Flyway and our connections
            // see the schema read back from the file. H2 2.4.240 binds a CHECK constraint to the session that created
            // it: once Flyway's session closes, every insert into that table fails with "database has been closed".
            Migrations.migrate(url, USER, "");
            Connection write = null;
            Connection read = null;
            Journal journal = null;
            try {
                write = new org.h2.Driver().connect(url, credentials());
                read = new org.h2.Driver().connect(url, credentials());
                write.setAutoCommit(false);
                journal = new Journal(workspace.resolve(JOURNAL_NAME));
                replay(write, journal);
                RunStore store = new RunStore(this, url, write, read, journal);
                store.startSnapshots();
                return store;
            } catch (SQLException | RuntimeException e) {
                if (journal != null) {
                    journal.close();
                }
                closeQuietly(read);
                closeQuietly(write);
                throw e;
            }
        }

        /**
         * Applies what a killed process confirmed but H2 had not yet written, then checkpoints and empties the
         * journal. Every entry is idempotent: items already present are skipped (their counters with them), events
         * keep their sequence numbers, metrics and cache entries are merged.
         */
        private static void replay(Connection c, Journal journal) throws SQLException {
            for (JsonNode e : journal.readAll()) {
                switch (e.get("t").asText()) {
                    case "item" -> replayItem(c, e);
                    case "progress" -> {
                        // A stage reset since has another fingerprint (or was checkpointed with the journal emptied).
                        try (PreparedStatement ps = c.prepareStatement(REPLAY_PROGRESS)) {
                            ps.setLong(1, e.get("in").asLong());
                            ps.setLong(2, e.get("out").asLong());
                            ps.setLong(3, e.get("rejected").asLong());
                            ps.setLong(4, e.get("dead").asLong());
                            ps.setString(5, e.get("run").asText());
                            ps.setString(6, e.get("stage").asText());
                            ps.setString(7, e.get("fp").asText());
                            ps.executeUpdate();
                        }
                    }
                    case "event" -> {
                        try (PreparedStatement ps = c.prepareStatement("MERGE INTO events (seq, run_id, stage, at, type, payload) "
                                + "KEY (seq) VALUES (?, ?, ?, ?, ?, ?)")) {
                            ps.setLong(1, e.get("seq").asLong());
                            ps.setString(2, e.get("run").asText());
                            setNullableText(ps, 3, e.get("stage").isNull() ? null : e.get("stage").asText());
                            ps.setObject(4, utc(Instant.parse(e.get("at").asText())));
                            ps.setString(5, e.get("type").asText());
                            ps.setString(6, e.get("payload").asText());
                            ps.executeUpdate();
                        }
                    }
                    case "metric" -> {
                        try (PreparedStatement ps = c.prepareStatement(MERGE_METRIC)) {
                            bindMetric(ps, e.get("run").asText(), e.get("stage").asText(), e.get("series").asText(),
                                    e.get("step").asLong(), e.get("value").asDouble(), Instant.parse(e.get("at").asText()));
                            ps.executeUpdate();
                        }
                    }
                    case "cache" -> {
                        try (PreparedStatement ps = c.prepareStatement(MERGE_CACHE)) {
                            bindCache(ps, e.get("key").asText(), e.get("model").asText(), e.get("response").asText(),
                                    e.get("in").asLong(), e.get("out").asLong(), Instant.parse(e.get("at").asText()));
                            ps.executeUpdate();
                        }
                    }
                    default -> throw new RunStoreException("unknown entry in the run store journal: " + e);
                }
            }
            // Replayed events carry their own seq; the identity must continue after the highest one.
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM events")) {
                rs.next();
                c.createStatement().execute("ALTER TABLE events ALTER COLUMN seq RESTART WITH " + rs.getLong(1));
            }
            c.commit();
            c.createStatement().execute("CHECKPOINT");
            try {
                journal.truncate();
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot empty the run store journal", ex);
            }
        }

        private static void replayItem(Connection c, JsonNode e) throws SQLException {
            String run = e.get("run").asText();
            String stage = e.get("stage").asText();
            try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint FROM stages WHERE run_id = ? AND name = ?")) {
                ps.setString(1, run);
                ps.setString(2, stage);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !rs.getString(1).equals(e.get("fp").asText())) {
                        return; // the stage was reset since (its inputs changed): the item belongs to old inputs
                    }
                }
            }
            // A batch entry ("keys") was journaled as one line: it is applied whole or, when its first key is
            // already in the database, not at all.
            String first = e.has("keys") ? e.get("keys").get(0).asText() : e.get("key").asText();
            try (PreparedStatement ps = c.prepareStatement(ITEM_EXISTS)) {
                ps.setString(1, run);
                ps.setString(2, stage);
                ps.setString(3, first);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            JsonNode d = e.get("d");
            Counters delta = new Counters(d.get(0).asLong(), d.get(1).asLong(), d.get(2).asLong(), d.get(3).asLong(),
                    d.get(4).asLong(), d.get(5).asLong(), d.get(6).asLong());
            try (PreparedStatement ps = c.prepareStatement(ADD_COUNTERS)) {
                addCounters(ps, run, stage, delta);
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT_ITEM)) {
                if (e.has("keys")) {
                    for (JsonNode k : e.get("keys")) {
                        bindItem(ps, run, stage, k.asText(), "[]", Instant.parse(e.get("at").asText()));
                        ps.executeUpdate();
                    }
                } else {
                    bindItem(ps, run, stage, e.get("key").asText(), Json.string(e.get("ids")), Instant.parse(e.get("at").asText()));
                    ps.executeUpdate();
                }
            }
        }

        private static boolean alreadyOpen(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SQLException sql && sql.getErrorCode() == DATABASE_ALREADY_OPEN) {
                    return true;
                }
            }
            return false;
        }

        private static Properties credentials() {
            Properties p = new Properties();
            p.setProperty("user", USER);
            p.setProperty("password", "");
            return p;
        }
    }

    public Path workspace() {
        return workspace;
    }

    /** The masker every write path of this store uses. */
    public Secrets secrets() {
        return secrets;
    }

    // ---------------------------------------------------------------- runs

    /**
     * Creates a run: a new id ({@code yyyyMMdd-HHmmss-<name>-<random>}), its directory with {@code spec.yaml}
     * (secrets masked), and a {@code PENDING} row.
     */
    public RunRecord createRun(String name, String resolvedSpecYaml, String specFingerprint) {
        requireText(name, "run name");
        requireText(specFingerprint, "spec fingerprint");
        Instant now = clock.instant();
        String id = RUN_ID_TIME.format(now) + "-" + slug(name) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        // Directory first: a crash in between leaves an orphan directory, never a row without its spec.
        runDirectory(id).create().writeSpec(resolvedSpecYaml == null ? "" : resolvedSpecYaml);
        writer.call(c -> {
            PreparedStatement ps = writeStatement("INSERT INTO runs (id, name, spec_fingerprint, status, created_at, run_dir) "
                    + "VALUES (?, ?, ?, ?, ?, ?)");
            ps.setString(1, id);
            ps.setString(2, secrets.mask(name));
            ps.setString(3, specFingerprint);
            ps.setString(4, RunStatus.PENDING.name());
            ps.setObject(5, utc(now));
            ps.setString(6, id);
            hooks.checkpointSoon();
            return ps.executeUpdate();
        });
        return run(id).orElseThrow();
    }

    /**
     * Sets a run's status. {@code RUNNING} records the first start and clears an earlier end and error (a resume);
     * a final status records the end. {@code error} is stored with secrets masked ({@code null} clears it).
     */
    public RunRecord markRun(String runId, RunStatus status, String error) {
        Objects.requireNonNull(status, "status");
        Instant now = clock.instant();
        int updated = writer.call(c -> {
            PreparedStatement ps = writeStatement("UPDATE runs SET status = ?, "
                    + "started_at = CASE WHEN ? THEN COALESCE(started_at, ?) ELSE started_at END, "
                    + "finished_at = CASE WHEN ? THEN ? ELSE NULL END, error = ? WHERE id = ?");
            ps.setString(1, status.name());
            ps.setBoolean(2, status == RunStatus.RUNNING);
            ps.setObject(3, utc(now));
            ps.setBoolean(4, status.isFinal());
            ps.setObject(5, utc(now));
            setNullableText(ps, 6, error == null ? null : secrets.mask(error));
            ps.setString(7, runId);
            hooks.checkpointSoon();
            return ps.executeUpdate();
        });
        if (updated == 0) {
            throw new IllegalArgumentException("no run with id '" + runId + "' in " + workspace);
        }
        return run(runId).orElseThrow();
    }

    /** Every run, newest first. */
    public List<RunRecord> listRuns() {
        return read(c -> {
            try (ResultSet rs = readStatement("SELECT id, name, spec_fingerprint, status, created_at, started_at, "
                    + "finished_at, run_dir, error FROM runs ORDER BY created_at DESC, id DESC").executeQuery()) {
                List<RunRecord> runs = new ArrayList<>();
                while (rs.next()) {
                    runs.add(runRecord(rs));
                }
                return runs;
            }
        });
    }

    public Optional<RunRecord> run(String runId) {
        return read(c -> {
            PreparedStatement ps = readStatement("SELECT id, name, spec_fingerprint, status, created_at, started_at, "
                    + "finished_at, run_dir, error FROM runs WHERE id = ?");
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(runRecord(rs)) : Optional.empty();
            }
        });
    }

    /** The directory of run {@code runId} ({@code <workspace>/<runId>/}); the id must be a plain name. */
    public RunDirectory runDirectory(String runId) {
        requireText(runId, "run id");
        return new RunDirectory(RunDirectory.at(workspace, secrets).resolve(plainSegment(runId, "run id")), secrets);
    }

    // ---------------------------------------------------------------- stages

    /**
     * Registers a stage of a run, or returns it unchanged when it exists with the same kind and fingerprint (a
     * resume). When its kind or fingerprint changed, its inputs or spec did: its counters, status and finished work
     * items are reset in the same transaction, so nothing computed from the old inputs is kept.
     */
    public StageRecord upsertStage(String runId, String stage, String kind, String fingerprint) {
        requireText(kind, "stage kind");
        requireText(fingerprint, "stage fingerprint");
        RunDirectory.at(workspace, secrets).stageDir(stage); // same rule as the directory it will get
        StageRecord record = writer.call(c -> {
            PreparedStatement find = writeStatement("SELECT kind, fingerprint FROM stages WHERE run_id = ? AND name = ?");
            find.setString(1, runId);
            find.setString(2, stage);
            String oldKind = null;
            String oldFingerprint = null;
            try (ResultSet rs = find.executeQuery()) {
                if (rs.next()) {
                    oldKind = rs.getString(1);
                    oldFingerprint = rs.getString(2);
                }
            }
            if (oldFingerprint == null) {
                PreparedStatement insert = writeStatement(
                        "INSERT INTO stages (run_id, name, kind, fingerprint, status) VALUES (?, ?, ?, ?, ?)");
                insert.setString(1, runId);
                insert.setString(2, stage);
                insert.setString(3, kind);
                insert.setString(4, fingerprint);
                insert.setString(5, StageStatus.PENDING.name());
                insert.executeUpdate();
            } else if (!oldFingerprint.equals(fingerprint) || !oldKind.equals(kind)) {
                PreparedStatement reset = writeStatement("UPDATE stages SET kind = ?, fingerprint = ?, status = ?, "
                        + "records_in = 0, records_out = 0, records_rejected = 0, records_dead_lettered = 0, "
                        + "tokens_in = 0, tokens_out = 0, cost_micros = 0, started_at = NULL, finished_at = NULL, "
                        + "error = NULL WHERE run_id = ? AND name = ?");
                reset.setString(1, kind);
                reset.setString(2, fingerprint);
                reset.setString(3, StageStatus.PENDING.name());
                reset.setString(4, runId);
                reset.setString(5, stage);
                reset.executeUpdate();
                PreparedStatement forget = writeStatement("DELETE FROM work_items WHERE run_id = ? AND stage = ?");
                forget.setString(1, runId);
                forget.setString(2, stage);
                forget.executeUpdate();
                pending.discard(new StageKey(runId, stage));
            }
            stageFingerprints.put(new StageKey(runId, stage), fingerprint);
            hooks.checkpointSoon(); // a reset must be on disk before the journal of the old items is dropped
            return stageRow(runId, stage, writeStatement("SELECT " + STAGE_COLUMNS
                    + " FROM stages WHERE run_id = ? AND name = ?")).orElseThrow();
        });
        knownStages.add(new StageKey(runId, stage));
        return record;
    }

    /**
     * Sets a stage's status: {@code RUNNING} records the first start and clears an end and error; a final status
     * records the end. {@code error} is stored with secrets masked.
     */
    public StageRecord markStage(String runId, String stage, StageStatus status, String error) {
        Objects.requireNonNull(status, "status");
        Instant now = clock.instant();
        int updated = writer.call(c -> {
            PreparedStatement ps = writeStatement("UPDATE stages SET status = ?, "
                    + "started_at = CASE WHEN ? THEN COALESCE(started_at, ?) ELSE started_at END, "
                    + "finished_at = CASE WHEN ? THEN ? ELSE NULL END, error = ? WHERE run_id = ? AND name = ?");
            ps.setString(1, status.name());
            ps.setBoolean(2, status == StageStatus.RUNNING);
            ps.setObject(3, utc(now));
            ps.setBoolean(4, status.isFinal());
            ps.setObject(5, utc(now));
            setNullableText(ps, 6, error == null ? null : secrets.mask(error));
            ps.setString(7, runId);
            ps.setString(8, stage);
            hooks.checkpointSoon();
            return ps.executeUpdate();
        });
        if (updated == 0) {
            throw noStage(runId, stage);
        }
        return stage(runId, stage).orElseThrow();
    }

    /** The stage with its counters (batched increments included). */
    public Optional<StageRecord> stage(String runId, String stage) {
        flushCounters();
        return read(c -> stageRow(runId, stage,
                readStatement("SELECT " + STAGE_COLUMNS + " FROM stages WHERE run_id = ? AND name = ?")));
    }

    /** The stages of a run by name, with their counters (batched increments included). */
    public List<StageRecord> stages(String runId) {
        flushCounters();
        return read(c -> {
            PreparedStatement ps = readStatement("SELECT " + STAGE_COLUMNS + " FROM stages WHERE run_id = ? ORDER BY name");
            ps.setString(1, runId);
            return stageRows(ps);
        });
    }

    /**
     * The most recently finished {@code SUCCEEDED} stage of any run with this fingerprint: its output can be reused
     * instead of computing the stage again.
     */
    public Optional<StageRecord> latestSucceededStage(String fingerprint) {
        return read(c -> {
            PreparedStatement ps = readStatement("SELECT " + STAGE_COLUMNS + " FROM stages WHERE fingerprint = ? "
                    + "AND status = 'SUCCEEDED' ORDER BY finished_at DESC LIMIT 1");
            ps.setString(1, fingerprint);
            List<StageRecord> rows = stageRows(ps);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
        });
    }

    // ---------------------------------------------------------------- counters

    /**
     * Adds to a stage's counters in memory: cheap enough to call per record from many threads. The sums reach the
     * database with the writer's next commit, at most {@code counterFlushInterval} later; a kill in between loses them.
     */
    public void addCounters(String runId, String stage, Counters delta) {
        StageKey key = new StageKey(runId, stage);
        if (!knownStages.contains(key)) {
            if (read(c -> stageRow(runId, stage, readStatement("SELECT " + STAGE_COLUMNS
                    + " FROM stages WHERE run_id = ? AND name = ?"))).isEmpty()) {
                throw noStage(runId, stage);
            }
            knownStages.add(key);
        }
        pending.add(key, delta);
    }

    /** Writes every batched counter increment now and waits until it is durable. */
    public void flushCounters() {
        if (pending.pending()) {
            writer.call(c -> null);
        }
    }

    // ---------------------------------------------------------------- work items

    /**
     * Records that {@code itemKey} of a stage is finished, with the ids of the records it produced, and adds
     * {@code delta} to the stage's counters in the same transaction: after a kill, either both are there or neither.
     * Returns {@code false}, changing nothing, when the item was already done (a retried call is harmless).
     */
    public boolean markItemDone(String runId, String stage, String itemKey, List<String> outputIds, Counters delta) {
        try {
            return markItemDoneAsync(runId, stage, itemKey, outputIds, delta).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** {@link #markItemDone(String, String, String, List, Counters)} for an item that produced nothing to count. */
    public boolean markItemDone(String runId, String stage, String itemKey) {
        return markItemDone(runId, stage, itemKey, List.of(), Counters.ZERO);
    }

    /** {@link #markItemDone} without waiting: the future completes when the item is durable. */
    public CompletableFuture<Boolean> markItemDoneAsync(String runId, String stage, String itemKey,
                                                        List<String> outputIds, Counters delta) {
        requireText(itemKey, "item key");
        String ids = Json.string(List.copyOf(outputIds));
        Instant now = clock.instant();
        return writer.submit(c -> {
            PreparedStatement exists = writeStatement(ITEM_EXISTS);
            exists.setString(1, runId);
            exists.setString(2, stage);
            exists.setString(3, itemKey);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
            String fingerprint = stageFingerprint(runId, stage);
            if (fingerprint == null) {
                throw noStage(runId, stage);
            }
            if (!delta.isZero()) {
                addCounters(writeStatement(ADD_COUNTERS), runId, stage, delta);
            }
            bindItem(writeStatement(INSERT_ITEM), runId, stage, itemKey, ids, now);
            writeStatement(INSERT_ITEM).executeUpdate();
            ObjectNode entry = Json.object().put("t", "item").put("run", runId).put("stage", stage).put("fp", fingerprint)
                    .put("key", itemKey).put("at", now.toString());
            entry.set("ids", Json.tree(outputIds));
            entry.putArray("d").add(delta.recordsIn()).add(delta.recordsOut()).add(delta.rejected())
                    .add(delta.deadLettered()).add(delta.tokensIn()).add(delta.tokensOut()).add(delta.costMicros());
            journal.add(entry);
            return true;
        });
    }

    /**
     * Marks several items done with one counters delta, atomically: after a kill, all of them and the delta are
     * there, or none (one journal line, one transaction). The executor commits a batch of inputs together with the
     * count of the outputs they produced this way. Keys already done are skipped; the delta is applied when at least
     * one key is new.
     */
    public void markItemsDone(String runId, String stage, List<String> itemKeys, Counters delta) {
        if (itemKeys.isEmpty()) return;
        itemKeys.forEach(k -> requireText(k, "item key"));
        Instant now = clock.instant();
        try {
            writer.submit(c -> {
                List<String> fresh = new ArrayList<>(itemKeys.size());
                PreparedStatement exists = writeStatement(ITEM_EXISTS);
                for (String key : itemKeys) {
                    exists.setString(1, runId);
                    exists.setString(2, stage);
                    exists.setString(3, key);
                    try (ResultSet rs = exists.executeQuery()) {
                        if (!rs.next()) fresh.add(key);
                    }
                }
                if (fresh.isEmpty()) return false;
                String fingerprint = stageFingerprint(runId, stage);
                if (fingerprint == null) {
                    throw noStage(runId, stage);
                }
                if (!delta.isZero()) {
                    addCounters(writeStatement(ADD_COUNTERS), runId, stage, delta);
                }
                PreparedStatement insert = writeStatement(INSERT_ITEM);
                for (String key : fresh) {
                    bindItem(insert, runId, stage, key, "[]", now);
                    insert.executeUpdate();
                }
                ObjectNode entry = Json.object().put("t", "item").put("run", runId).put("stage", stage)
                        .put("fp", fingerprint).put("at", now.toString());
                entry.set("keys", Json.tree(fresh));
                entry.putArray("d").add(delta.recordsIn()).add(delta.recordsOut()).add(delta.rejected())
                        .add(delta.deadLettered()).add(delta.tokensIn()).add(delta.tokensOut()).add(delta.costMicros());
                journal.add(entry);
                return true;
            }).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Moves the in-order progress of a stage: {@code delta} (the records taken from its inputs, written and rejected
     * since the last call) is added to its counters in one transaction, durable when this returns. For stages that
     * finish their inputs in input order, which every built-in stage does: the counters then say which prefix of the
     * inputs is done, so no row per item is needed. The journal keeps the stage's counts after the change, not the
     * delta, so replaying an entry twice changes nothing.
     */
    public void commitProgress(String runId, String stage, Counters delta) {
        Objects.requireNonNull(delta, "delta");
        try {
            writer.submit(c -> {
                String fingerprint = stageFingerprint(runId, stage);
                if (fingerprint == null) {
                    throw noStage(runId, stage);
                }
                addCounters(writeStatement(ADD_COUNTERS), runId, stage, delta);
                PreparedStatement now = writeStatement(PROGRESS_OF_STAGE);
                now.setString(1, runId);
                now.setString(2, stage);
                try (ResultSet rs = now.executeQuery()) {
                    rs.next();
                    journal.add(Json.object().put("t", "progress").put("run", runId).put("stage", stage)
                            .put("fp", fingerprint).put("in", rs.getLong(1)).put("out", rs.getLong(2))
                            .put("rejected", rs.getLong(3)).put("dead", rs.getLong(4)));
                }
                return null;
            }).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Forgets a stage's work: counters, status and finished items, in one transaction. The executor calls it before
     * computing a stage again from scratch (a barrier stage that did not finish).
     */
    public void resetStage(String runId, String stage) {
        writer.call(c -> {
            PreparedStatement reset = writeStatement("UPDATE stages SET status = ?, records_in = 0, records_out = 0, "
                    + "records_rejected = 0, records_dead_lettered = 0, tokens_in = 0, tokens_out = 0, cost_micros = 0, "
                    + "started_at = NULL, finished_at = NULL, error = NULL WHERE run_id = ? AND name = ?");
            reset.setString(1, StageStatus.PENDING.name());
            reset.setString(2, runId);
            reset.setString(3, stage);
            reset.executeUpdate();
            PreparedStatement forget = writeStatement("DELETE FROM work_items WHERE run_id = ? AND stage = ?");
            forget.setString(1, runId);
            forget.setString(2, stage);
            forget.executeUpdate();
            pending.discard(new StageKey(runId, stage));
            hooks.checkpointSoon(); // the reset must be on disk before the journal of the old items is dropped
            return null;
        });
    }

    public boolean isDone(String runId, String stage, String itemKey) {
        return read(c -> {
            PreparedStatement ps = readStatement("SELECT 1 FROM work_items WHERE run_id = ? AND stage = ? AND item_key = ?");
            ps.setString(1, runId);
            ps.setString(2, stage);
            ps.setString(3, itemKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    /** The keys of every finished item of a stage (what a resume skips). */
    public Set<String> doneKeys(String runId, String stage) {
        return read(c -> {
            PreparedStatement ps = readStatement("SELECT item_key FROM work_items WHERE run_id = ? AND stage = ?");
            ps.setString(1, runId);
            ps.setString(2, stage);
            Set<String> keys = new LinkedHashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
            return keys;
        });
    }

    /** Every finished item of a stage with the record ids it produced, in the order they finished. */
    public List<WorkItem> doneItems(String runId, String stage) {
        return read(c -> {
            PreparedStatement ps = readStatement("SELECT item_key, output_ids, done_at FROM work_items "
                    + "WHERE run_id = ? AND stage = ? ORDER BY done_at, item_key");
            ps.setString(1, runId);
            ps.setString(2, stage);
            List<WorkItem> items = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(new WorkItem(runId, stage, rs.getString(1), parseIds(rs.getString(2)), instant(rs, 3)));
                }
            }
            return items;
        });
    }

    // ---------------------------------------------------------------- events

    /**
     * Appends an event (the dashboard's live feed and its replay history). {@code payload} is any Jackson-serialisable
     * value; it is stored as JSON with secrets masked. {@code stage} may be {@code null} for run-level events.
     */
    public EventRecord appendEvent(String runId, String stage, String type, Object payload) {
        requireText(type, "event type");
        JsonNode tree = payload instanceof JsonNode node ? node : Json.tree(payload);
        String json = Json.string(secrets.mask(tree));
        Instant now = clock.instant();
        long seq = writer.call(c -> {
            PreparedStatement ps = writeStatement("INSERT INTO events (run_id, stage, at, type, payload) VALUES (?, ?, ?, ?, ?)",
                    new String[] {"SEQ"});
            ps.setString(1, runId);
            setNullableText(ps, 2, stage);
            ps.setObject(3, utc(now));
            ps.setString(4, type);
            ps.setString(5, json);
            ps.executeUpdate();
            long generated;
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                generated = keys.getLong(1);
            }
            journal.add(Json.object().put("t", "event").put("seq", generated).put("run", runId).put("stage", stage)
                    .put("at", now.toString()).put("type", type).put("payload", json));
            return generated;
        });
        return new EventRecord(seq, runId, stage, now, type, json);
    }

    /** A run's events after {@code afterSeq} (0 for all), oldest first, at most 1,000: page on with the last seq. */
    public List<EventRecord> eventsSince(String runId, long afterSeq) {
        return eventsSince(runId, afterSeq, 1_000);
    }

    /** A run's events with {@code seq > afterSeq}, oldest first, at most {@code limit} (0 for the first). */
    public List<EventRecord> eventsSince(String runId, long afterSeq, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        return read(c -> {
            PreparedStatement ps = readStatement("SELECT seq, stage, at, type, payload FROM events "
                    + "WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?");
            ps.setString(1, runId);
            ps.setLong(2, afterSeq);
            ps.setInt(3, limit);
            List<EventRecord> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new EventRecord(rs.getLong(1), runId, rs.getString(2), instant(rs, 3), rs.getString(4),
                            rs.getString(5)));
                }
            }
            return events;
        });
    }

    // ---------------------------------------------------------------- metrics

    /**
     * Records {@code value} at {@code step} of a series ({@code stage} {@code null} or {@code ""} for run level). The
     * same step again replaces the point, so a trainer resumed from a checkpoint does not draw a step twice.
     */
    public void appendMetric(String runId, String stage, String series, long step, double value) {
        requireText(series, "metric series");
        Instant now = clock.instant();
        String stageKey = stage == null ? "" : stage;
        writer.call(c -> {
            PreparedStatement ps = writeStatement(MERGE_METRIC);
            bindMetric(ps, runId, stageKey, series, step, value, now);
            journal.add(Json.object().put("t", "metric").put("run", runId).put("stage", stageKey).put("series", series)
                    .put("step", step).put("value", value).put("at", now.toString()));
            return ps.executeUpdate();
        });
    }

    /** A series in step order. */
    public List<MetricPoint> metrics(String runId, String stage, String series) {
        String stageKey = stage == null ? "" : stage;
        return read(c -> {
            PreparedStatement ps = readStatement("SELECT step, val, at FROM metrics "
                    + "WHERE run_id = ? AND stage = ? AND series = ? ORDER BY step");
            ps.setString(1, runId);
            ps.setString(2, stageKey);
            ps.setString(3, series);
            List<MetricPoint> points = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    points.add(new MetricPoint(runId, stageKey, series, rs.getLong(1), rs.getDouble(2), instant(rs, 3)));
                }
            }
            return points;
        });
    }

    // ---------------------------------------------------------------- call cache

    /** The persistent model-call cache of this workspace. */
    public CallCacheRepository callCache() {
        return callCache;
    }

    Optional<CallCacheEntry> cacheGet(String key) {
        return read(c -> {
            PreparedStatement ps = readStatement("SELECT model, response, tokens_in, tokens_out, created_at "
                    + "FROM call_cache WHERE cache_key = ?");
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CallCacheEntry(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        instant(rs, 5)));
            }
        });
    }

    void cachePut(String key, CallCacheEntry entry) {
        requireText(key, "cache key");
        Objects.requireNonNull(entry, "entry");
        requireText(entry.model(), "cache entry model");
        Objects.requireNonNull(entry.responseJson(), "cache entry response");
        String response = secrets.maskValues(entry.responseJson());
        Instant created = entry.createdAt() == null ? clock.instant() : entry.createdAt();
        writer.call(c -> {
            PreparedStatement ps = writeStatement(MERGE_CACHE);
            bindCache(ps, key, entry.model(), response, entry.tokensIn(), entry.tokensOut(), created);
            journal.add(Json.object().put("t", "cache").put("key", key).put("model", entry.model()).put("response", response)
                    .put("in", entry.tokensIn()).put("out", entry.tokensOut()).put("at", created.toString()));
            return ps.executeUpdate();
        });
    }

    long cacheSize() {
        return read(c -> {
            try (ResultSet rs = readStatement("SELECT COUNT(*) FROM call_cache").executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    // ---------------------------------------------------------------- lifecycle

    /** Writes pending counters, finishes queued writes and closes the database. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        writer.close();
        if (snapshotter != null) {
            synchronized (snapshotDirty) {
                snapshotDirty.notifyAll();
            }
            try {
                snapshotter.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writeSnapshot(); // the final state, for whoever reads the workspace next while another process holds it
        readLock.lock();
        try {
            closeQuietly(readConnection);
        } finally {
            readLock.unlock();
        }
        boolean databaseClosed = closeQuietly(writeConnection);
        try {
            if (databaseClosed) {
                journal.truncate(); // H2 wrote everything when its last connection closed
            }
        } catch (IOException e) {
            // harmless: the next open replays the entries, each idempotent
        } finally {
            journal.close();
        }
    }

    @Override
    public String toString() {
        return "RunStore[" + jdbcUrl + "]";
    }

    // ---------------------------------------------------------------- snapshot for other processes

    /** Keeps {@link StoreSnapshot} up to date while this process holds the store: at most once per interval. */
    private void startSnapshots() {
        writeSnapshot();
        snapshotter = Thread.ofVirtual().name("run-store-snapshot").start(() -> {
            // Woken by close() through the monitor, never interrupted: an interrupt inside an H2 read would close
            // the database's file channel.
            while (!closed.get()) {
                synchronized (snapshotDirty) {
                    try {
                        snapshotDirty.wait(snapshotIntervalMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!closed.get()) writeSnapshot();
            }
        });
    }

    private synchronized void writeSnapshot() {
        if (!snapshotDirty.getAndSet(false)) return;
        try {
            StoreSnapshot s = readOpen(c -> {
                List<RunRecord> runs = new ArrayList<>();
                try (ResultSet rs = readStatement("SELECT id, name, spec_fingerprint, status, created_at, started_at, "
                        + "finished_at, run_dir, error FROM runs ORDER BY created_at DESC, id DESC").executeQuery()) {
                    while (rs.next()) runs.add(runRecord(rs));
                }
                Map<String, List<StageRecord>> stages = new java.util.LinkedHashMap<>();
                for (StageRecord r : stageRows(readStatement("SELECT " + STAGE_COLUMNS + " FROM stages ORDER BY run_id, name"))) {
                    stages.computeIfAbsent(r.runId(), k -> new ArrayList<>()).add(r);
                }
                return new StoreSnapshot(ProcessHandle.current().pid(), clock.instant(), runs, stages);
            });
            s.write(workspace);
        } catch (IOException | RuntimeException e) {
            snapshotDirty.set(true); // try again next time
            if (!snapshotFailureReported) {
                snapshotFailureReported = true;
                System.err.println("distillery: cannot write " + StoreSnapshot.file(workspace)
                        + " (other processes' `status` will be out of date): " + e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- internals

    @FunctionalInterface
    private interface Query<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T read(Query<T> query) {
        if (closed.get()) {
            throw new RunStoreException("the run store in " + workspace + " is closed");
        }
        return readOpen(query);
    }

    /** {@link #read} without the closed check: {@link #close} uses it for the final snapshot. */
    private <T> T readOpen(Query<T> query) {
        readLock.lock();
        try {
            return query.run(readConnection);
        } catch (SQLException e) {
            throw new RunStoreException("reading the run store in " + workspace + " failed: " + e.getMessage(), e);
        } finally {
            readLock.unlock();
        }
    }

    /** Only called on the writer thread, so the statement cache needs no lock. */
    private PreparedStatement writeStatement(String sql) throws SQLException {
        PreparedStatement ps = writeStatements.get(sql);
        if (ps == null) {
            ps = writeConnection.prepareStatement(sql);
            writeStatements.put(sql, ps);
        }
        return ps;
    }

    private PreparedStatement writeStatement(String sql, String[] generatedKeys) throws SQLException {
        String cacheKey = sql + "\0keys";
        PreparedStatement ps = writeStatements.get(cacheKey);
        if (ps == null) {
            ps = writeConnection.prepareStatement(sql, generatedKeys);
            writeStatements.put(cacheKey, ps);
        }
        return ps;
    }

    /** Only called under {@link #readLock}. */
    private PreparedStatement readStatement(String sql) throws SQLException {
        PreparedStatement ps = readStatements.get(sql);
        if (ps == null) {
            ps = readConnection.prepareStatement(sql);
            readStatements.put(sql, ps);
        }
        return ps;
    }

    /** Writer thread only. {@code null} when the stage does not exist. */
    private String stageFingerprint(String runId, String stage) throws SQLException {
        StageKey key = new StageKey(runId, stage);
        String fingerprint = stageFingerprints.get(key);
        if (fingerprint == null) {
            PreparedStatement ps = writeStatement("SELECT fingerprint FROM stages WHERE run_id = ? AND name = ?");
            ps.setString(1, runId);
            ps.setString(2, stage);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    fingerprint = rs.getString(1);
                    stageFingerprints.put(key, fingerprint);
                }
            }
        }
        return fingerprint;
    }

    private static void bindItem(PreparedStatement ps, String runId, String stage, String key, String idsJson, Instant at)
            throws SQLException {
        ps.setString(1, runId);
        ps.setString(2, stage);
        ps.setString(3, key);
        ps.setString(4, idsJson);
        ps.setObject(5, utc(at));
    }

    private static void bindMetric(PreparedStatement ps, String runId, String stage, String series, long step, double value,
                                   Instant at) throws SQLException {
        ps.setString(1, runId);
        ps.setString(2, stage);
        ps.setString(3, series);
        ps.setLong(4, step);
        ps.setDouble(5, value);
        ps.setObject(6, utc(at));
    }

    private static void bindCache(PreparedStatement ps, String key, String model, String response, long in, long out,
                                  Instant at) throws SQLException {
        ps.setString(1, key);
        ps.setString(2, model);
        ps.setString(3, response);
        ps.setLong(4, in);
        ps.setLong(5, out);
        ps.setObject(6, utc(at));
    }

    private static int addCounters(PreparedStatement ps, String runId, String stage, Counters d) throws SQLException {
        ps.setLong(1, d.recordsIn());
        ps.setLong(2, d.recordsOut());
        ps.setLong(3, d.rejected());
        ps.setLong(4, d.deadLettered());
        ps.setLong(5, d.tokensIn());
        ps.setLong(6, d.tokensOut());
        ps.setLong(7, d.costMicros());
        ps.setString(8, runId);
        ps.setString(9, stage);
        return ps.executeUpdate();
    }

    private static Optional<StageRecord> stageRow(String runId, String stage, PreparedStatement ps) throws SQLException {
        ps.setString(1, runId);
        ps.setString(2, stage);
        List<StageRecord> rows = stageRows(ps);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    private static List<StageRecord> stageRows(PreparedStatement ps) throws SQLException {
        List<StageRecord> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Counters counters = new Counters(rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                        rs.getLong(10), rs.getLong(11), rs.getLong(12));
                rows.add(new StageRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        StageStatus.valueOf(rs.getString(5)), counters, instant(rs, 13), instant(rs, 14), rs.getString(15)));
            }
        }
        return rows;
    }

    private RunRecord runRecord(ResultSet rs) throws SQLException {
        return new RunRecord(rs.getString(1), rs.getString(2), rs.getString(3), RunStatus.valueOf(rs.getString(4)),
                instant(rs, 5), instant(rs, 6), instant(rs, 7), workspace.resolve(rs.getString(8)), rs.getString(9));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static void setNullableText(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    private static List<String> parseIds(String json) {
        try {
            return Json.MAPPER.readValue(json, STRING_LIST);
        } catch (JsonProcessingException e) {
            throw new RunStoreException("corrupt output_ids in work_items: " + e.getOriginalMessage(), e);
        }
    }

    private IllegalArgumentException noStage(String runId, String stage) {
        return new IllegalArgumentException("no stage '" + stage + "' in run '" + runId + "' (call upsertStage first)");
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    private static String plainSegment(String value, String what) {
        if (!value.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new UnsafePathException(value, what + " must be letters, digits, '.', '_' or '-'");
        }
        return value;
    }

    private static String slug(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "run" : slug;
    }

    private static boolean closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
                return true;
            } catch (SQLException ignored) {
                // closing is best effort; the OS releases the file lock with the process anyway
            }
        }
        return false;
    }

    private record StageKey(String runId, String stage) {
    }

    /** Group-commit hooks: batched counters before the commit, the journal and checkpoints after it. */
    private final class WriterHooks implements StoreWriter.Hooks {

        private boolean checkpointRequested;
        private long lastCheckpoint = System.nanoTime();
        private java.sql.Statement checkpoint;

        /** Writer thread only: checkpoint after this group (rare, structural changes: runs and stages). */
        void checkpointSoon() {
            checkpointRequested = true;
        }

        @Override
        public boolean pending() {
            return pending.pending() || journal.size() > 0 && System.nanoTime() - lastCheckpoint > checkpointIntervalNanos;
        }

        @Override
        public int beforeTask() {
            return journal.mark();
        }

        @Override
        public void taskFailed(int mark) {
            journal.reset(mark);
        }

        @Override
        public void beforeCommit(Connection connection) throws SQLException {
            pending.write();
        }

        @Override
        public void afterCommit(Connection connection) throws SQLException, IOException {
            snapshotDirty.set(true);
            journal.writePending();
            boolean due = journal.size() > JOURNAL_LIMIT_BYTES
                    || System.nanoTime() - lastCheckpoint > checkpointIntervalNanos
                    && (journal.size() > 0 || pending.hasWritten());
            if (checkpointRequested || due) {
                if (checkpoint == null) {
                    checkpoint = connection.createStatement();
                }
                // H2 writes everything committed so far to its file; the journal's entries are then redundant.
                checkpoint.execute("CHECKPOINT");
                journal.truncate();
                lastCheckpoint = System.nanoTime();
                checkpointRequested = false;
                pending.clearWritten();
            }
        }

        @Override
        public void commitFailed() {
            pending.restore();
            journal.discardPending();
        }
    }

    /** Counter increments waiting for the writer's next commit. */
    private final class PendingCounters {

        private final ConcurrentHashMap<StageKey, LongAdder[]> sums = new ConcurrentHashMap<>();
        private final AtomicBoolean dirty = new AtomicBoolean();
        private final List<Map.Entry<StageKey, Counters>> taken = new ArrayList<>();
        /** Whether increments were committed since the last checkpoint (they are not in the journal). */
        private boolean written;

        boolean hasWritten() {
            return written;
        }

        void clearWritten() {
            written = false;
        }

        void add(StageKey key, Counters d) {
            LongAdder[] cells = sums.computeIfAbsent(key, k -> newCells());
            addIfNonZero(cells[0], d.recordsIn());
            addIfNonZero(cells[1], d.recordsOut());
            addIfNonZero(cells[2], d.rejected());
            addIfNonZero(cells[3], d.deadLettered());
            addIfNonZero(cells[4], d.tokensIn());
            addIfNonZero(cells[5], d.tokensOut());
            addIfNonZero(cells[6], d.costMicros());
            // After the adds: a flush that cleared the flag before draining will see it set again.
            dirty.set(true);
        }

        void discard(StageKey key) {
            sums.remove(key);
        }

        boolean pending() {
            return dirty.get();
        }

        void write() throws SQLException {
            taken.clear();
            if (!dirty.getAndSet(false)) {
                return;
            }
            for (Map.Entry<StageKey, LongAdder[]> e : sums.entrySet()) {
                LongAdder[] c = e.getValue();
                Counters d = new Counters(c[0].sumThenReset(), c[1].sumThenReset(), c[2].sumThenReset(),
                        c[3].sumThenReset(), c[4].sumThenReset(), c[5].sumThenReset(), c[6].sumThenReset());
                if (!d.isZero()) {
                    written = true;
                    taken.add(Map.entry(e.getKey(), d));
                    addCounters(writeStatement(ADD_COUNTERS), e.getKey().runId(), e.getKey().stage(), d);
                }
            }
        }

        void restore() {
            taken.forEach(e -> add(e.getKey(), e.getValue()));
            taken.clear();
        }

        private static LongAdder[] newCells() {
            LongAdder[] cells = new LongAdder[7];
            for (int i = 0; i < cells.length; i++) {
                cells[i] = new LongAdder();
            }
            return cells;
        }

        private static void addIfNonZero(LongAdder cell, long value) {
            if (value != 0) {
                cell.add(value);
            }
        }
    }
}
