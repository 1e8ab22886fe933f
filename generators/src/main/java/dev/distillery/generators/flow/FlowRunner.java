package dev.distillery.generators.flow;

import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.generators.model.ModelCallException;
import dev.distillery.generators.template.PromptTemplates;
import dev.langchain4j.model.chat.ChatModel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;

/**
 * Streams records through a {@link Flow}: reads the source in batches, runs up to {@code concurrency} batches at
 * once on virtual threads, and commits their results in input order (outputs to the sink, dead letters to their
 * sink), so the output is the same file whatever the thread timing. A batch that has finished makes room for the next
 * one at once, even while it waits for an earlier, slower batch to be committed (one waiting out a 429's
 * {@code Retry-After}, say), so a slow batch does not stall the others; up to {@link #REORDER_WINDOW} x
 * {@code concurrency} batches may wait for their turn. Memory stays bounded by that many batches: the reader blocks on
 * semaphores instead of queueing the source.
 *
 * <pre>{@code
 * RunReport report = FlowRunner.builder(Flows.named("evol-instruct"))
 *         .model("teacher", teacher)
 *         .setting("rounds", 2)
 *         .templateOverrides(Path.of("prompts"))
 *         .target(1_000, r -> r.payload().text().length() > 40)   // keep going until 1000 pass the filter
 *         .budget(Budget.calls(5_000))
 *         .deadLetters(DeadLetterSink.jsonl(out.resolve("dead-letters.jsonl")))
 *         .build()                                              // validates settings, templates and roles: no call yet
 *         .run(source, sink);
 * }</pre>
 */
public final class FlowRunner {

    /**
     * How many batches, per unit of concurrency, may be submitted and not yet committed: while the oldest batch waits
     * (a 429's {@code Retry-After} of a second, a slow answer), the others go on for about three more rounds of
     * batches before the reader has to wait for it. Measured with one record per batch against a server limited to
     * 100 req/s: committing in order with one permit per batch held until its commit gave 0.60x the rate of a plain
     * loop of callers (PipelineGenerationBench).
     */
    static final int REORDER_WINDOW = 4;

    private final Flow flow;
    private final FlowContext context;
    private final Spending spending;
    private final int batchSize;
    private final int concurrency;
    private final long target;
    private final Predicate<DataRecord> acceptance;
    private final int passes;
    private final DeadLetterSink deadLetters;
    private final RecordSink rejects;
    private final RunListener listener;
    private final BatchListener batchListener;

    /**
     * Told about each batch once its results are written, in input order: the inputs, the outputs that went to the
     * sink, and every result. A caller that records finished work items (the pipeline executor) commits them here.
     */
    @FunctionalInterface
    public interface BatchListener {
        void onBatch(List<DataRecord> inputs, List<DataRecord> written, List<FlowResult> results);
    }

    private FlowRunner(Builder b, FlowContext context, Spending spending) {
        this.flow = b.flow;
        this.context = context;
        this.spending = spending;
        this.batchSize = b.batchSize;
        this.concurrency = Math.max(1, Math.min(b.concurrency, b.flow.maxConcurrency()));
        this.target = b.target;
        this.acceptance = b.acceptance;
        this.passes = b.passes;
        this.deadLetters = b.deadLetters;
        this.rejects = b.rejects;
        this.listener = b.listener;
        this.batchListener = b.batchListener;
    }

    public static Builder builder(Flow flow) {
        return new Builder(flow);
    }

    /**
     * Runs the flow over {@code source} (re-reading it up to {@code passes} times while a target is unmet) and
     * writes accepted outputs to {@code sink}. Neither sink is closed: the caller owns them.
     */
    public RunReport run(RecordSource source, RecordSink sink) {
        long start = System.nanoTime();
        Run run = new Run(sink);
        boolean cutShort = false;
        try {
            outer:
            for (int pass = 0; pass < passes; pass++) {
                FlowContext ctx = context.forPass(pass);
                try (RecordIterator it = source.open()) {
                    while (it.hasNext()) {
                        if (run.shouldStop()) {
                            cutShort = true;
                            break outer;
                        }
                        List<DataRecord> batch = new ArrayList<>(batchSize);
                        while (batch.size() < batchSize && it.hasNext()) batch.add(it.next());
                        run.read += batch.size();
                        run.window.acquireUninterruptibly();
                        run.permits.acquireUninterruptibly();
                        long seq = run.submitted++;
                        Thread.ofVirtual().name(flow.name() + "-batch-" + seq).start(() -> run.process(seq, batch, ctx));
                    }
                }
                if (target == Long.MAX_VALUE || run.targetReached()) break;
            }
        } finally {
            // Even when reading the source fails, no batch may still write to the sinks after run() returns: wait
            // until every submitted batch is committed.
            run.window.acquireUninterruptibly(REORDER_WINDOW * concurrency);
            run.window.release(REORDER_WINDOW * concurrency);
        }
        if (run.fatal != null) {
            if (run.fatal instanceof RuntimeException re) throw re;
            if (run.fatal instanceof Error e) throw e;
            throw new IllegalStateException(run.fatal);
        }
        // The budget counts as the reason only if it cut the run short: a last call that spends it exactly does not.
        boolean budgetHit = spending.exhausted() && (cutShort || run.byKind.containsKey(ModelCallException.Kind.BUDGET_EXHAUSTED));
        RunReport.StopReason reason = run.targetReached() ? RunReport.StopReason.TARGET_REACHED
                : budgetHit ? RunReport.StopReason.BUDGET_EXHAUSTED : RunReport.StopReason.SOURCE_EXHAUSTED;
        synchronized (run) {
            return new RunReport(run.progress(), reason, Map.copyOf(run.byKind), run.failedBatches,
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** A processed batch waiting for its turn to be written. */
    private record Finished(List<DataRecord> inputs, List<FlowResult> results) {
    }

    /** The state of one {@link #run}: counters, and the batches that finished ahead of an earlier one. */
    private final class Run {
        /** Batches being processed. */
        final Semaphore permits = new Semaphore(concurrency);
        /** Batches submitted and not yet committed. */
        final Semaphore window = new Semaphore(REORDER_WINDOW * concurrency);
        final RecordSink sink;
        final Map<Long, Finished> pending = new HashMap<>();
        final Map<ModelCallException.Kind, Long> byKind = new EnumMap<>(ModelCallException.Kind.class);
        long submitted;
        long nextToCommit;
        volatile long read;
        long outputs, accepted, rejected, surplus, filtered, deadLettered, failedBatches;
        volatile boolean targetMet;
        volatile Throwable fatal;

        Run(RecordSink sink) {
            this.sink = sink;
        }

        boolean targetReached() {
            return targetMet;
        }

        boolean shouldStop() {
            return targetMet || spending.exhausted() || fatal != null;
        }

        void process(long seq, List<DataRecord> batch, FlowContext ctx) {
            List<FlowResult> results = new ArrayList<>();
            try {
                List<DataRecord> usable = new ArrayList<>(batch.size());
                for (DataRecord r : batch) {
                    if (flow.signature().inputTypes().contains(r.payload().type())) {
                        usable.add(r);
                    } else {
                        results.add(new FlowResult.Failure(ctx.deadLetter(r.id(), "input", ModelCallException.Kind.OTHER,
                                "payload type '" + r.payload().type() + "' is not an input of flow '" + flow.name()
                                        + "'; it accepts " + String.join(", ", flow.signature().inputTypes()))));
                    }
                }
                if (!usable.isEmpty()) {
                    try {
                        flow.process(usable, ctx, results::add);
                    } catch (RuntimeException e) {
                        // A conforming flow never gets here; if one does, its unaccounted inputs still get a dead
                        // letter each rather than vanishing, and the report counts the batch.
                        synchronized (this) {
                            failedBatches++;
                        }
                        accountForRemaining(usable, results, ctx, e);
                    }
                }
            } catch (Throwable t) {
                fatal = t;
            } finally {
                permits.release();
                commit(seq, new Finished(batch, results));
            }
        }

        private void accountForRemaining(List<DataRecord> inputs, List<FlowResult> results, FlowContext ctx, RuntimeException e) {
            Set<String> seen = accountedIds(results);
            ModelCallException failure = e instanceof ModelCallException m ? m
                    : new ModelCallException(ModelCallException.Kind.OTHER, e.getClass().getSimpleName() + ": " + e.getMessage(), 0, e);
            for (DataRecord r : inputs) {
                if (!seen.contains(r.id())) results.add(new FlowResult.Failure(ctx.deadLetter(r.id(), "process", null, failure)));
            }
        }

        /** Commits finished batches in submission order; whoever completes the next one writes it and its successors. */
        private void commit(long seq, Finished finished) {
            synchronized (this) {
                pending.put(seq, finished);
                Finished next;
                while ((next = pending.remove(nextToCommit)) != null) {
                    nextToCommit++;
                    try {
                        if (fatal == null) write(next);
                    } catch (Throwable t) {
                        fatal = t;
                    } finally {
                        window.release();
                    }
                }
            }
        }

        private void write(Finished batch) {
            List<FlowResult> results = batch.results();
            List<DataRecord> written = new ArrayList<>();
            for (FlowResult r : results) {
                switch (r) {
                    case FlowResult.Output o -> {
                        outputs++;
                        if (targetMet) {
                            surplus++;
                        } else if (acceptance.test(o.record())) {
                            sink.write(o.record());
                            written.add(o.record());
                            if (++accepted >= target) targetMet = true;
                        } else {
                            rejected++;
                            if (rejects != null) rejects.write(o.record());
                        }
                    }
                    case FlowResult.Failure f -> {
                        deadLettered++;
                        byKind.merge(f.deadLetter().kind(), 1L, Long::sum);
                        deadLetters.write(f.deadLetter());
                    }
                    case FlowResult.Filtered x -> filtered++;
                }
                listener.onResult(r);
            }
            if (batchListener != null) batchListener.onBatch(batch.inputs(), written, results);
            listener.onProgress(progress());
        }

        FlowProgress progress() {
            return new FlowProgress(read, outputs, accepted, rejected, surplus, filtered, deadLettered,
                    spending.calls(), spending.inputTokens(), spending.outputTokens(), spending.cost());
        }
    }

    /** Ids a batch's results account for: output parents, dead-lettered and filtered records and their parents. */
    static Set<String> accountedIds(List<FlowResult> results) {
        Set<String> ids = new HashSet<>();
        for (FlowResult r : results) {
            switch (r) {
                case FlowResult.Output o -> ids.addAll(o.record().lineage().parentIds());
                case FlowResult.Failure f -> ids.add(f.deadLetter().recordId());
                case FlowResult.Filtered x -> {
                    ids.add(x.recordId());
                    ids.addAll(x.parentIds());
                }
            }
        }
        return ids;
    }

    /** Configures a run; {@link #build()} validates everything that can be checked before a call is paid for. */
    public static final class Builder {
        private final Flow flow;
        private BatchListener batchListener;
        private final Map<String, FlowContext.Bound> models = new LinkedHashMap<>();
        private final Map<String, Object> settings = new LinkedHashMap<>();
        private String settingsOrigin;
        private PromptTemplates templates = PromptTemplates.builtIn();
        private long seed = 42;
        private String stage;
        private int batchSize = 8;
        private int concurrency = 4;
        private long target = Long.MAX_VALUE;
        private Predicate<DataRecord> acceptance = r -> true;
        private int passes = 1;
        private Budget budget = Budget.UNLIMITED;
        private DeadLetterSink deadLetters = DeadLetterSink.discard();
        private RecordSink rejects;
        private RunListener listener = p -> {
        };

        private Builder(Flow flow) {
            this.flow = Objects.requireNonNull(flow, "flow");
        }

        /** The model for {@code role}; its id is the model name it reports as a default parameter, else the role. */
        public Builder model(String role, ChatModel model) {
            String name = null;
            try {
                name = model.defaultRequestParameters() == null ? null : model.defaultRequestParameters().modelName();
            } catch (RuntimeException e) {
                // Some models do not implement default parameters; the role name is then the id.
            }
            return model(role, name == null || name.isBlank() ? role : name, model);
        }

        public Builder model(String role, String id, ChatModel model) {
            models.put(role, new FlowContext.Bound(id, Objects.requireNonNull(model, "model")));
            return this;
        }

        public Builder setting(String name, Object value) {
            settings.put(name, value);
            return this;
        }

        public Builder settings(Map<String, ?> values) {
            settings.putAll(values);
            return this;
        }

        /** Where the settings came from (file and path), named in configuration errors. */
        public Builder settingsOrigin(String origin) {
            this.settingsOrigin = origin;
            return this;
        }

        public Builder templates(PromptTemplates t) {
            this.templates = Objects.requireNonNull(t);
            return this;
        }

        /** A directory whose {@code <flow>/<name>.jinja} files replace the built-in templates. */
        public Builder templateOverrides(Path dir) {
            this.templates = PromptTemplates.withOverrides(dir);
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** The pipeline stage, for accounting scopes and dead letters. */
        public Builder stage(String s) {
            this.stage = s;
            return this;
        }

        public Builder batchSize(int n) {
            if (n < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + n);
            this.batchSize = n;
            return this;
        }

        /** Batches processed at once; each batch makes its calls in sequence. */
        public Builder concurrency(int n) {
            if (n < 1) throw new IllegalArgumentException("concurrency must be >= 1, got " + n);
            this.concurrency = n;
            return this;
        }

        /** Stop once {@code n} outputs were written. */
        public Builder target(long n) {
            return target(n, r -> true);
        }

        /**
         * Stop once {@code n} outputs passed {@code acceptance} (the downstream filter); rejected outputs are counted
         * and go to {@link #rejects} if set. Combine with {@link #passes} to keep generating from the same source.
         */
        public Builder target(long n, Predicate<DataRecord> acceptance) {
            if (n < 1) throw new IllegalArgumentException("target must be >= 1, got " + n);
            this.target = n;
            this.acceptance = Objects.requireNonNull(acceptance);
            return this;
        }

        /** How many times the source may be read while a target is unmet (each pass gets new ids and draws). */
        public Builder passes(int n) {
            if (n < 1) throw new IllegalArgumentException("passes must be >= 1, got " + n);
            this.passes = n;
            return this;
        }

        public Builder budget(Budget b) {
            this.budget = Objects.requireNonNull(b);
            return this;
        }

        public Builder deadLetters(DeadLetterSink sink) {
            this.deadLetters = Objects.requireNonNull(sink);
            return this;
        }

        /** Where outputs the acceptance predicate turned down go; by default they are only counted. */
        public Builder rejects(RecordSink sink) {
            this.rejects = sink;
            return this;
        }

        public Builder listener(RunListener l) {
            this.listener = Objects.requireNonNull(l);
            return this;
        }

        /** Called with each written batch, in input order (see {@link BatchListener}). */
        public Builder batchListener(BatchListener l) {
            this.batchListener = l;
            return this;
        }

        /**
         * Validates settings, loads and test-renders every template, and checks that each required model role has a
         * model: everything that can fail before a call is paid for fails here.
         *
         * @throws FlowConfigException for settings and roles
         * @throws dev.distillery.generators.template.TemplateException for templates, naming the file and variable
         */
        public FlowRunner build() {
            FlowSettings resolved = flow.validate(new FlowSettings(settings, settingsOrigin));
            templates.check(flow.name(), flow.templates(), flow.getClass().getClassLoader());
            for (String role : flow.rolesUsed(resolved)) {
                String r = role;
                Set<String> visited = new HashSet<>();
                while (r != null && !models.containsKey(r) && visited.add(r)) {
                    r = flow.signature().fallbackOf(r);
                }
                if (r == null || !models.containsKey(r)) {
                    String what = flow.signature().models().stream().filter(m -> m.name().equals(role))
                            .map(m -> " (" + m.description() + (m.fallback() != null ? "; falls back to '" + m.fallback() + "'" : "") + ")")
                            .findFirst().orElse("");
                    throw new FlowConfigException((settingsOrigin == null ? "" : settingsOrigin + ": ") + "flow '"
                            + flow.name() + "': no model for role '" + role + "'" + what
                            + "; configured roles: " + (models.isEmpty() ? "(none)" : String.join(", ", models.keySet())));
                }
            }
            Spending spending = new Spending(budget);
            FlowContext ctx = FlowContext.create(flow, stage, resolved, templates, models, seed, spending);
            return new FlowRunner(this, ctx, spending);
        }
    }
}
