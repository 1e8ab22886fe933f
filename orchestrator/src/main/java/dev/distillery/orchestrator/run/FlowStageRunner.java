package dev.distillery.orchestrator.run;

import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.generators.flow.Budget;
import dev.distillery.generators.flow.DeadLetterSink;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowRunner;
import dev.distillery.generators.flow.Flows;
import dev.distillery.generators.flow.Pricing;
import dev.distillery.generators.flow.RunReport;
import dev.distillery.orchestrator.spec.ModelSpec;
import dev.distillery.orchestrator.spec.StageSpec;

import java.util.Map;

/**
 * {@code flow}: runs a generation flow over the stage's inputs through {@link FlowRunner}. Each batch's inputs are
 * committed with exactly the outputs written for them, so a resumed stage skips finished inputs and repeats no paid
 * call for them; dead letters go to {@code dead-letters.jsonl} in the stage directory. {@code target} and
 * {@code budget} count what earlier attempts of the stage already produced and spent.
 */
final class FlowStageRunner implements StageRunner {

    static final String DEAD_LETTERS = "dead-letters.jsonl";

    @Override
    public String kind() {
        return "flow";
    }

    @Override
    public boolean barrier() {
        return false;
    }

    @Override
    public Object externalInputs(StageSpec stage, java.nio.file.Path baseDir) {
        String name = stage.stringSetting("flow", null);
        // An unknown flow fails when the stage runs, with the registry's did-you-mean message.
        return Flows.all().stream().filter(f -> f.name().equals(name)).findFirst()
                .map(f -> PluginStamp.of(Flow.class, f)).orElse(null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run(StageContext ctx) {
        StageSpec s = ctx.stage();
        Flow flow = Flows.named(s.stringSetting("flow", null));
        FlowRunner.Builder b = FlowRunner.builder(flow).stage(s.name()).seed(ctx.seed())
                .settingsOrigin("stage '" + s.name() + "' settings")
                .deadLetters(DeadLetterSink.jsonl(ctx.stageDir().resolve(DEAD_LETTERS)));
        if (s.setting("settings") instanceof Map<?, ?> settings) b.settings((Map<String, ?>) settings);
        if (s.setting("templates") != null) b.templateOverrides(ctx.resolve(s.stringSetting("templates", null)));
        s.models().forEach((role, model) -> b.model(role, model, ctx.chatModel(role)));
        if (s.batch() != null) b.batchSize(s.batch());
        if (s.concurrency() != null) b.concurrency(s.concurrency());
        Map<RunLedger.Counter, Long> before = ctx.counters();
        if (s.target() != null) {
            long remaining = s.target() - before.getOrDefault(RunLedger.Counter.OUT, 0L);
            if (remaining <= 0) return;
            b.target(remaining);
        }
        Budget budget = budget(ctx, s, before);
        if (budget != null) b.budget(budget);

        // FlowRunner hands finished batches over in input order, so each commit moves the stage's in-order progress.
        b.batchListener((inputs, written, results) -> {
            long dead = results.stream().filter(r -> r instanceof dev.distillery.generators.flow.FlowResult.Failure).count();
            ctx.commitNext(inputs.size(), written, 0, dead);
        });
        // Tokens and cost are counted as batches finish, not only at the end, so progress shows them as they grow.
        Usage usage = new Usage();
        b.listener(p -> usage.countUpTo(ctx, p));
        RunReport report = b.build().run(pending(ctx), RecordSink.discard());
        var p = report.progress();
        usage.countUpTo(ctx, p);
        ctx.event("flow-finished", Map.of("stop_reason", report.stopReason().name().toLowerCase(),
                "outputs", p.accepted(), "dead_letters", p.deadLettered(), "calls", p.calls()));
    }

    /** What this attempt has added to the stage's token and cost counters so far. */
    private static final class Usage {
        private long tokensIn;
        private long tokensOut;
        private long costMicros;

        /** Adds the growth since the last call; the flow's progress only grows. */
        synchronized void countUpTo(StageContext ctx, dev.distillery.generators.flow.FlowProgress p) {
            long cost = Math.round(p.cost() * 1e6);
            ctx.count(RunLedger.Counter.TOKENS_IN, p.inputTokens() - tokensIn);
            ctx.count(RunLedger.Counter.TOKENS_OUT, p.outputTokens() - tokensOut);
            ctx.count(RunLedger.Counter.COST_MICRO_USD, cost - costMicros);
            tokensIn = p.inputTokens();
            tokensOut = p.outputTokens();
            costMicros = cost;
        }
    }

    /** The stage's budget minus what earlier attempts spent; null when the stage has none. */
    private static Budget budget(StageContext ctx, StageSpec s, Map<RunLedger.Counter, Long> spent) {
        if (s.budget() == null) return null;
        Budget b = Budget.UNLIMITED;
        // Calls are not persisted per stage: a resumed stage gets its whole call budget again (tokens and cost are).
        if (s.budget().calls() != null) b = b.andCalls(s.budget().calls());
        if (s.budget().tokens() != null) {
            long used = spent.getOrDefault(RunLedger.Counter.TOKENS_IN, 0L) + spent.getOrDefault(RunLedger.Counter.TOKENS_OUT, 0L);
            b = b.andTokens(Math.max(0, s.budget().tokens() - used));
        }
        if (s.budget().costUsd() != null) {
            double used = spent.getOrDefault(RunLedger.Counter.COST_MICRO_USD, 0L) / 1e6;
            b = b.andCost(Math.max(0, s.budget().costUsd() - used), pricing(ctx));
        }
        return b;
    }

    /** Prices by model name from the spec; models without a price are free (local, sandbox). */
    private static Pricing pricing(StageContext ctx) {
        return (modelId, usage) -> {
            ModelSpec m = ctx.pipeline().models().get(modelId);
            if (m == null || m.price() == null) return 0;
            return Pricing.perMillionTokens(m.price().inputPerMillion(), m.price().outputPerMillion()).cost(modelId, usage);
        };
    }

    /** The inputs not yet done (those after the stage's in-order progress). */
    private static RecordSource pending(StageContext ctx) {
        return new RecordSource() {
            @Override
            public RecordIterator open() {
                return ctx.inputs();
            }

            @Override
            public String describe() {
                return "inputs of stage " + ctx.stage().name();
            }
        };
    }
}
