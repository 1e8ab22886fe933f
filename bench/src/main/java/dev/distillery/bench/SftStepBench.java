package dev.distillery.bench;

import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.SequenceScores;
import dev.distillery.trainers.engine.TrainingModel;
import dev.distillery.trainers.kernels.Parallel;
import dev.distillery.trainers.model.Initializers;
import dev.distillery.trainers.model.LoraConfig;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.model.Projection;
import dev.distillery.trainers.optim.AdamW;
import dev.distillery.trainers.optim.GradientClipping;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

/**
 * Tokens per second of one SFT optimizer step (forward + backward + clipping + AdamW) on the configurations of the
 * trainer issue, against PyTorch on the same CPU measured in the same run ({@code bench/pytorch/sft_step.py}, Debian's
 * python3-torch with OpenBLAS, 2 threads, OPENBLAS_NUM_THREADS=1). Also reports effective GFLOP/s against the measured
 * FMA peak and the peak heap.
 *
 * <pre>java --add-modules=jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile=trainers/jit-directives.json \
 *   -cp ... dev.distillery.bench.SftStepBench [tiny:lora,44M:lora,44M:full]</pre>
 */
public final class SftStepBench {

    record Setup(String name, ModelConfig config) {
    }

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "tiny:lora,44M:lora,44M:full";
        List<Setup> setups = List.of(
                new Setup("tiny", ModelConfig.llama(300, 64, 172, 2, 4, 2)),
                new Setup("44M", ModelConfig.llama(32000, 512, 1376, 4, 8, 4)));
        Parallel par = Parallel.shared();
        double peak = GemmBench.fmaPeak(par, 1.0);
        System.out.printf("SFT step bench: batch 8 x 128, %d threads, FMA peak %.1f GFLOP/s, %s%n", par.threads(), peak,
                Runtime.version());
        List<String[]> rows = new ArrayList<>();
        for (String item : which.split(",")) {
            String[] p = item.split(":");
            Setup s = setups.stream().filter(x -> x.name().equals(p[0])).findFirst().orElseThrow();
            boolean lora = p[1].equals("lora");
            HeapPeak.reset();
            // The tiny model needs many steps before the JIT has compiled everything (30 steps read 40% low).
            double tps = javaTokensPerSecond(s.config(), lora, p[0].equals("tiny") ? 300 : 8);
            double flops = stepFlopsPerToken(s.config(), lora, 128);
            rows.add(new String[]{item, String.format("%,.0f", tps), String.format("%.1f", tps * flops / 1e9),
                    String.format("%.0f%%", 100 * tps * flops / 1e9 / peak), HeapPeak.mib() + " MiB",
                    Double.toString(tps)});
        }
        List<Double> torch = pytorch(which);
        System.out.printf("%n%-12s %12s %10s %8s %10s %14s %10s%n", "config", "Java tok/s", "GFLOP/s", "of peak",
                "peak heap", "PyTorch tok/s", "Java/PT");
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            Double t = i < torch.size() ? torch.get(i) : null;
            System.out.printf("%-12s %12s %10s %8s %10s %14s %10s%n", r[0], r[1], r[2], r[3], r[4],
                    t == null ? "n/a" : String.format("%,.0f", t),
                    t == null ? "n/a" : String.format("%.2fx", Double.parseDouble(r[5]) / t));
        }
    }

    static double javaTokensPerSecond(ModelConfig c, boolean lora, int steps) {
        ModelWeights w = Initializers.randomModel(c, 1, 0.02);
        TrainingModel m;
        if (lora) {
            LoraLayout ll = LoraLayout.of(c, new LoraConfig(8, 16, 0.0,
                    EnumSet.of(Projection.Q, Projection.K, Projection.V, Projection.O), false));
            m = TrainingModel.lora(w, ll, Initializers.lora(ll, 2), 8, 128);
        } else {
            m = TrainingModel.full(w, 8, 128);
        }
        AdamW adam = new AdamW(m.parameters().length, AdamW.Settings.defaults());
        Random r = new Random(0);
        int[] ids = new int[8 * 128];
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(c.vocabSize());
        Batch b = Batch.of(8, 128, ids, ids.clone());
        int warmup = Math.max(2, steps / 4);
        double[] times = new double[steps];
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            m.zeroGrad();
            SequenceScores s = m.forward(b);
            double[] d = new double[s.rows()];
            Arrays.fill(d, -1.0 / s.totalCount());
            m.backward(d);
            GradientClipping.clipGlobalNorm(m.gradients(), 1.0);
            adam.step(m.parameters(), m.gradients(), 1e-4);
            if (i >= warmup) times[i - warmup] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(times);
        return 8 * 128 / times[steps / 2];
    }

    /**
     * Matrix FLOPs per token of a step: forward 2·(weights touched) + causal attention; the backward doubles it for
     * LoRA (input gradients only) and triples it for full fine-tuning (input and weight gradients).
     */
    static double stepFlopsPerToken(ModelConfig c, boolean lora, int seqLen) {
        double perLayer = 2.0 * (c.hiddenSize() * (double) c.qDim() + 2.0 * c.hiddenSize() * c.kvDim()
                + c.qDim() * (double) c.hiddenSize() + 3.0 * c.hiddenSize() * c.intermediateSize());
        double attention = 2.0 * 2 * c.qDim() * (seqLen + 1) / 2.0;
        double forward = c.numLayers() * (perLayer + attention) + 2.0 * c.hiddenSize() * c.vocabSize();
        return forward * (lora ? 2 : 3);
    }

    /** Runs the PyTorch baseline; empty when python3-torch is not installed. */
    static List<Double> pytorch(String which) throws Exception {
        Path script = Path.of("bench/pytorch/sft_step.py");
        if (!Files.exists(script) || !Files.exists(Path.of("/usr/bin/python3"))) return List.of();
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), "2", which).redirectErrorStream(true);
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process p = pb.start();
        List<Double> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("{")) {
                    out.add(Double.parseDouble(line.replaceAll(".*\"tokens_per_second\": ([0-9.e+-]+).*", "$1")));
                } else {
                    System.out.println("pytorch: " + line);
                }
            }
        }
        p.waitFor();
        return out;
    }
}
