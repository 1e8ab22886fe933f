package dev.distillery.orchestrator.cli;

import dev.distillery.trainers.job.TrainJob;
import dev.distillery.trainers.job.TrainingRun;
import dev.distillery.trainers.training.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code distillery train JOB.yaml}: supervised fine-tuning, LoRA or full, on the local machine. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Fine-tune a model with SFT (LoRA or full) as described by a job file.",
                "Writes OUTPUT/adapter (PEFT) or OUTPUT/model, metrics.jsonl, checkpoints and train_summary.json."},
        footer = {"", "Examples:",
                "  distillery train examples/sft-tiny.yaml",
                "  distillery train job.yaml --output runs/sft-2",
                "  distillery train job.yaml --resume          # continue after a crash or kill"})
public class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job file (YAML).")
    Path jobFile;

    @Option(names = "--output", paramLabel = "DIR", description = "Override the job's output directory.")
    Path output;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in the output directory.")
    boolean resume;

    @Override
    public Integer call() {
        TrainJob job = TrainJob.read(jobFile);
        if (output != null) job = job.withOutput(output.toString());
        PrintWriter out = spec.commandLine().getOut();
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr());
        TrainingRun.Report r = TrainingRun.run(job, resume, bar);
        bar.done();
        out.printf("trained %d steps on %,d examples%s: final loss %.4f%s%n", r.steps(), r.examples(),
                r.resumedFrom() > 0 ? " (resumed from step " + r.resumedFrom() + ")" : "", r.finalLoss(),
                Double.isNaN(r.evalLoss()) ? "" : String.format(", eval loss %.4f", r.evalLoss()));
        if (!Double.isNaN(r.evalAccuracy())) out.printf("eval accuracy (greedy, exact match): %.1f%%%n", 100 * r.evalAccuracy());
        out.println("data: " + r.encodeCounts());
        if (r.adapterDir() != null) out.println("adapter -> " + r.adapterDir());
        if (r.modelDir() != null) out.println("model -> " + r.modelDir());
        out.println("metrics -> " + r.output().resolve("metrics.jsonl"));
        return 0;
    }

    /** Step counter, loss, learning rate, tokens/s and ETA: redrawn in place on a terminal, a line per 10 s in logs. */
    static final class ProgressBar implements TrainingListener {
        private final PrintWriter err;
        private final boolean terminal = System.console() != null;
        private final long start = System.nanoTime();
        private long lastLine;
        private int firstStep = -1;

        ProgressBar(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void onStep(int step, int total, double loss, double lr, double gradNorm, long tokens, double tps) {
            if (firstStep < 0) firstStep = step - 1;
            long now = System.nanoTime();
            double elapsed = (now - start) / 1e9;
            double perStep = elapsed / Math.max(1, step - firstStep);
            long eta = Math.round(perStep * (total - step));
            int width = 24;
            int filled = (int) ((long) width * step / total);
            String line = String.format("step %d/%d [%s%s] loss %.4f lr %.2e %,.0f tok/s ETA %d:%02d", step, total,
                    "=".repeat(filled), " ".repeat(width - filled), loss, lr, tps, eta / 60, eta % 60);
            if (terminal) {
                err.print("\r" + line);
                err.flush();
            } else if (now - lastLine > 10_000_000_000L || step == total) {
                err.println(line);
                err.flush();
                lastLine = now;
            }
        }

        @Override
        public void onEval(int step, double loss, double perplexity) {
            if (terminal) err.println();
            err.printf("eval at step %d: loss %.4f%s%n", step, loss,
                    Double.isNaN(perplexity) ? "" : String.format(", perplexity %.2f", perplexity));
            err.flush();
        }

        void done() {
            if (terminal) err.println();
            err.flush();
        }
    }
}
