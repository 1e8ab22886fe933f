package dev.distillery.orchestrator.run;

import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.orchestrator.models.ChatModels;
import dev.distillery.orchestrator.spec.ModelSpec;
import dev.langchain4j.model.chat.ChatModel;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.spec.StageSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What a {@link StageRunner} sees: its spec, its inputs as a stream of committed upstream records, and the ways to
 * report outputs, rejections, counters, metrics and events. Thread-safe: a runner may emit from several workers.
 */
public final class StageContext {

    private final PipelineSpec pipeline;
    private final StageSpec stage;
    private final Path baseDir;
    private final Path stageDir;
    private final RunLedger ledger;
    private final StageOutput output;
    private final List<StageOutput> inputs;
    private final RunControl control;
    private final ChatModels models;
    private volatile String summary;

    StageContext(PipelineSpec pipeline, StageSpec stage, Path baseDir, Path stageDir, RunLedger ledger,
                 StageOutput output, List<StageOutput> inputs, RunControl control, ChatModels models) {
        this.pipeline = pipeline;
        this.stage = stage;
        this.baseDir = baseDir;
        this.stageDir = stageDir;
        this.ledger = ledger;
        this.output = output;
        this.inputs = inputs;
        this.control = control;
        this.models = models;
    }

    public PipelineSpec pipeline() {
        return pipeline;
    }

    public StageSpec stage() {
        return stage;
    }

    public long seed() {
        return pipeline.seedOf(stage);
    }

    /** The stage's own directory in the run (its records, reports, training output). */
    public Path stageDir() {
        return stageDir;
    }

    /** A path from the spec, relative to the spec file's directory. */
    public Path resolve(String specPath) {
        return baseDir.resolve(specPath).normalize();
    }

    /** The model a stage gave a role, e.g. {@code model("teacher")}. */
    public ModelSpec model(String role) {
        String name = stage.models().get(role);
        if (name == null) {
            throw new IllegalArgumentException("stage '" + stage.name() + "' has no model for role '" + role
                    + "' (models: " + stage.models().keySet() + ")");
        }
        return pipeline.models().get(name);
    }

    /** The chat model the stage gave {@code role} (built once per run and shared between stages). */
    public ChatModel chatModel(String role) {
        String name = stage.models().get(role);
        if (name == null) {
            throw new IllegalArgumentException("stage '" + stage.name() + "' has no model for role '" + role
                    + "' (models: " + stage.models().keySet() + ")");
        }
        return models.get(name);
    }

    /** The directory of an input stage, for runners that hand a whole dataset on (training). */
    public List<Path> inputFiles() {
        return inputs.stream().map(StageOutput::file).toList();
    }

    /**
     * The input records this stage has not finished yet, input after input, as upstream stages commit them; blocks at
     * the committed end until more comes or the upstream finishes. Close it (try-with-resources) when stopping early.
     *
     * <p>A runner that reads this commits with {@link #commitNext}, in input order, so what an earlier attempt
     * finished is a prefix of the input stream, as long as its IN count: it is skipped here without a lookup per
     * record. A runner that finishes items out of order uses {@link #allInputs()}, {@link #isDone} and
     * {@link #emitBatch} (a work-item row per item) instead.
     */
    public InputIterator inputs() {
        return new Concatenated(ledger.counters(stage.name()).getOrDefault(RunLedger.Counter.IN, 0L));
    }

    /** Every input record, finished or not (barrier stages read their inputs whole). */
    public InputIterator allInputs() {
        return new Concatenated(0);
    }

    /** Input records with the work-item key of the one last returned. */
    public interface InputIterator extends RecordIterator {
        /**
         * The item key of the record {@link #next()} returned last: its input's index and its position in that
         * input's output, stable across attempts (outputs only grow) and unique even when records repeat.
         */
        String key();

        /**
         * Whether the next {@link #hasNext()} answers without waiting for an upstream stage; a batching runner
         * commits what it holds before it would wait.
         */
        boolean hasBuffered();

        /**
         * The stored line (native JSON, no newline) of the record {@link #next()} returned last: a runner that
         * passes a record on unchanged commits these bytes ({@link #commitNextLines}) instead of encoding it again.
         */
        byte[] line();
    }

    /** The inputs as a re-openable source (barrier stages: every input has finished). */
    public RecordSource inputSource() {
        return new RecordSource() {
            @Override
            public RecordIterator open() {
                return allInputs();
            }

            @Override
            public String describe() {
                return "inputs of stage " + stage.name();
            }
        };
    }

    /**
     * The next {@code items} input records, in input order from where {@link #inputs()} started, are done, with all
     * their {@code outputs}: written, committed with the stage's progress in one transaction, then visible
     * downstream. This is how streaming runners that keep input order commit; no row per item is written.
     *
     * @param rejected     how many of the items produced nothing on purpose (filtered)
     * @param deadLettered how many failed for good and went to the stage's dead letters
     */
    public void commitNext(int items, List<DataRecord> outputs, long rejected, long deadLettered) {
        if (items == 0 && outputs.isEmpty()) return;
        control.checkCancelled();
        synchronized (output) {
            long after = output.append(outputs);
            ledger.commitInOrder(stage.name(), items, after, rejected, deadLettered);
            output.publish();
        }
    }

    /** {@link #commitNext(int, List, long, long)} with nothing rejected or dead-lettered. */
    public void commitNext(int items, List<DataRecord> outputs) {
        commitNext(items, outputs, 0, 0);
    }

    /**
     * {@link #commitNext} for records passed on unchanged: their {@link InputIterator#line() stored lines} are
     * copied, not decoded and encoded again (a filter's kept records).
     */
    public void commitNextLines(int items, List<byte[]> lines, long rejected) {
        if (items == 0 && lines.isEmpty()) return;
        control.checkCancelled();
        synchronized (output) {
            long after = output.appendLines(lines);
            ledger.commitInOrder(stage.name(), items, after, rejected, 0);
            output.publish();
        }
    }

    /** Whether an earlier attempt of this stage already finished the item (skip it). */
    public boolean isDone(String itemKey) {
        return ledger.isDone(stage.name(), itemKey);
    }

    /**
     * The outputs of one work item, for runners that finish items out of order (in-order runners use
     * {@link #commitNext}): written, committed with a work-item row in the ledger, then visible downstream. An item
     * with no outputs (filtered out) is reported with {@link #reject}.
     */
    public void emit(String itemKey, List<DataRecord> outputs) {
        control.checkCancelled();
        synchronized (output) {
            long after = output.append(outputs);
            ledger.commit(stage.name(), List.of(itemKey), after, 0);
            output.publish();
        }
    }

    /** Several items finished together (a batch), with all their outputs: committed as one. */
    public void emitBatch(List<String> itemKeys, List<DataRecord> outputs) {
        emitBatch(itemKeys, outputs, 0);
    }

    /** A batch of items of which {@code rejected} produced nothing on purpose (a filter's batch). */
    public void emitBatch(List<String> itemKeys, List<DataRecord> outputs, long rejected) {
        if (itemKeys.isEmpty()) return;
        control.checkCancelled();
        synchronized (output) {
            long after = output.append(outputs);
            ledger.commit(stage.name(), itemKeys, after, rejected);
            output.publish();
        }
    }

    /** Counters of this stage so far, earlier attempts included. */
    public Map<RunLedger.Counter, Long> counters() {
        return ledger.counters(stage.name());
    }

    /** An item that produced nothing on purpose (filtered, duplicate): done, counted as rejected. */
    public void reject(String itemKey) {
        control.checkCancelled();
        synchronized (output) {
            ledger.commit(stage.name(), List.of(itemKey), output.records(), 1);
        }
    }

    /** Barrier stages: append records now, {@link #commitAll} at the end. */
    public void write(List<DataRecord> records) {
        control.checkCancelled();
        output.append(records);
    }

    /** Barrier stages: a sink that {@link #write}s in batches; close it before {@link #commitAll}. */
    public dev.distillery.datasets.io.RecordSink sink() {
        return new dev.distillery.datasets.io.RecordSink() {
            private final List<DataRecord> pending = new ArrayList<>();

            @Override
            public void write(DataRecord record) {
                pending.add(record);
                if (pending.size() == 256) flush();
            }

            private void flush() {
                StageContext.this.write(pending);
                pending.clear();
            }

            @Override
            public void close() {
                if (!pending.isEmpty()) flush();
            }
        };
    }

    /** Barrier stages: everything written becomes the stage's committed output at once. */
    public void commitAll(long in, long rejected) {
        synchronized (output) {
            ledger.commitAll(stage.name(), output.records(), in, rejected);
            output.publish();
        }
    }

    /** Another stage's counters (reports that summarise a run read them). */
    public Map<RunLedger.Counter, Long> countersOf(String otherStage) {
        return ledger.counters(otherStage);
    }

    /** How long another, finished stage ran; empty if unknown. */
    public java.util.Optional<java.time.Duration> elapsedOf(String otherStage) {
        return ledger.elapsed(otherStage);
    }

    public void count(RunLedger.Counter counter, long delta) {
        ledger.count(stage.name(), counter, delta);
    }

    public void metric(String series, long step, double value) {
        ledger.metric(stage.name(), series, step, value);
    }

    public void event(String type, Map<String, Object> payload) {
        ledger.event(stage.name(), type, payload);
    }

    /** One line on what the stage achieved (a held-out accuracy, a final loss), shown when it finishes. */
    public void summary(String line) {
        this.summary = line;
    }

    String summary() {
        return summary;
    }

    /** Throws when the run was cancelled; long loops call it between items. */
    public void checkCancelled() {
        control.checkCancelled();
    }

    /** The inputs one after another; each waits for its stage's commits. */
    private final class Concatenated implements InputIterator {
        private final List<StageInput> open = new ArrayList<>();
        private int index = -1;
        private long position = -1;
        private StageInput current;
        private long toSkip;

        Concatenated(long skip) {
            this.toSkip = skip;
        }

        @Override
        public boolean hasNext() {
            while (true) {
                while (toSkip > 0 && current != null && current.hasNext()) {
                    current.next();
                    position++;
                    toSkip--;
                }
                if (toSkip == 0 && current != null && current.hasNext()) return true;
                if (index + 1 >= inputs.size()) return false;
                index++;
                position = -1;
                current = new StageInput(inputs.get(index));
                open.add(current);
            }
        }

        @Override
        public DataRecord next() {
            if (!hasNext()) throw new NoSuchElementException();
            position++;
            return current.next();
        }

        @Override
        public String key() {
            return index + ":" + position;
        }

        @Override
        public boolean hasBuffered() {
            return current == null || current.ready();
        }

        @Override
        public byte[] line() {
            if (current == null || position < 0) throw new IllegalStateException("next() was not called");
            return current.line();
        }

        @Override
        public void close() {
            open.forEach(StageInput::close);
        }
    }

}
