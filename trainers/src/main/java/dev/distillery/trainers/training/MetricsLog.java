package dev.distillery.trainers.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code metrics.jsonl}: one line per step and per evaluation; on resume, lines after the checkpoint are dropped. */
final class MetricsLog {
    private final Path file;

    MetricsLog(Path file, int resumedStep) {
        this.file = file;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                List<String> keep = new ArrayList<>();
                for (String line : Files.readAllLines(file)) {
                    if (line.isBlank()) continue;
                    try {
                        if (Json.MAPPER.readTree(line).path("step").asInt(Integer.MAX_VALUE) <= resumedStep) keep.add(line);
                    } catch (IOException partial) {
                        // a line cut by a kill: dropped with the steps after the checkpoint
                    }
                }
                Files.write(file, keep);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    void step(int step, int epoch, double loss, double lr, double gradNorm, long tokens, double tps,
              Map<String, Double> extra) {
        ObjectNode row = Json.object().put("step", step).put("epoch", epoch).put("loss", loss).put("learning_rate", lr)
                .put("grad_norm", gradNorm).put("num_tokens", tokens).put("tokens_per_second", Math.round(tps));
        extra.forEach(row::put);
        append(row);
    }

    /** A NaN perplexity (a loss that is not a token NLL, such as DPO's) is left out. */
    void eval(int step, double loss, double perplexity) {
        ObjectNode row = Json.object().put("step", step).put("eval_loss", loss);
        if (!Double.isNaN(perplexity)) row.put("eval_perplexity", perplexity);
        append(row);
    }

    private void append(ObjectNode row) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            w.write(Json.string(row));
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
