package dev.distillery.orchestrator.store.bench;

import dev.distillery.datasets.json.RecordCodec;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Score;
import dev.distillery.orchestrator.store.Secrets;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What masking the environment's known keys costs a stage output ({@code StageOutput} does it to every record line
 * when the environment holds secret values): decoding the encoded line to a string and searching it for each key,
 * against the baseline measured in the same run, encoding the record (which every stage output does anyway).
 *
 * <pre>java -cp ... dev.distillery.orchestrator.store.bench.RecordMaskingBench 1000000</pre>
 */
public final class RecordMaskingBench {

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        SplittableRandom rng = new SplittableRandom(1);
        DataRecord[] records = new DataRecord[10_000];
        for (int i = 0; i < records.length; i++) {
            records[i] = DataRecord.of(new Payload.PromptCompletion(new PlainText("Question " + i + ": what is "
                    + rng.nextInt(100) + " + " + rng.nextInt(100) + "? Explain the steps."), new PlainText("The answer is "
                    + rng.nextInt(200) + ", because adding the two numbers digit by digit gives it.")))
                    .withScore("quality", Score.of(rng.nextDouble()));
        }
        // Three keys, as a developer's shell often holds (OpenAI, Anthropic, Hugging Face).
        Secrets secrets = Secrets.of(Map.of("OPENAI_API_KEY", "bench-openai-key-000111222333",
                "ANTHROPIC_API_KEY", "bench-anthropic-key-444555666", "HF_TOKEN", "bench-hf-token-777888999000"));
        long sink = 0;
        for (int round = 0; round < 3; round++) { // the last round is measured; the first two warm the JIT
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) sink += RecordCodec.encode(records[i % records.length]).length;
            long encode = System.nanoTime() - t0;
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                byte[] line = RecordCodec.encode(records[i % records.length]);
                String text = new String(line, StandardCharsets.UTF_8);
                String masked = secrets.maskKnownValues(text);
                sink += masked == text ? line.length : masked.getBytes(StandardCharsets.UTF_8).length;
            }
            long masked = System.nanoTime() - t1;
            if (round == 2) {
                System.out.printf(Locale.ROOT, "RecordMaskingBench: %,d records, %s%n", n, Runtime.version());
                System.out.printf(Locale.ROOT, "baseline, encode only:       %7.3f µs per record%n", encode / 1e3 / n);
                System.out.printf(Locale.ROOT, "encode + mask 3 known keys:  %7.3f µs per record (%.2fx baseline; +%.3f µs)%n",
                        masked / 1e3 / n, (double) masked / encode, (masked - encode) / 1e3 / n);
            }
        }
        if (sink == 42) System.out.println(); // keeps the work observable
    }
}
