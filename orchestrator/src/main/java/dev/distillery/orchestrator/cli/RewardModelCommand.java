package dev.distillery.orchestrator.cli;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.judges.reward.PreferencePair;
import dev.distillery.judges.reward.RewardModel;
import dev.distillery.judges.reward.RewardModelTrainer;
import dev.distillery.judges.reward.SelfTrainingResult;
import dev.distillery.judges.reward.SsrmRound;
import dev.distillery.judges.spi.PairInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code distillery rm ...}: train and apply the embedding-based reward model. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = {"A small reward model: a Bradley-Terry head on all-MiniLM-L6-v2 embeddings of (prompt, response), "
                + "trained on labelled preference pairs, optionally self-trained (SSRM) on unlabelled pairs."},
        subcommands = {RewardModelCommand.Train.class, RewardModelCommand.Score.class},
        footer = {"", "Examples:",
                "  distillery rm train --pairs labelled.jsonl --unlabelled more-pairs.jsonl -o rm-head.json",
                "  distillery rm score --head rm-head.json --data candidates.jsonl -o scored.jsonl"})
public class RewardModelCommand {

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Train the head on preference records (chosen beats rejected), any preference format.",
                    "With --unlabelled, pairs whose order carries no label are pseudo-labelled where the model is "
                            + "confident (both orders averaged), and the head is retrained, for --rounds rounds."},
            footer = {"", "Examples:", "  distillery rm train --pairs pairs.jsonl -o head.json",
                    "  distillery rm train --pairs few.jsonl --unlabelled many.jsonl --confidence t-similarity -o head.json"})
    static class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--pairs", required = true, paramLabel = "LABELLED", description = "Labelled preference pairs.")
        Path pairs;

        @Option(names = "--unlabelled", paramLabel = "U", description = "Unlabelled pairs for self-training (SSRM).")
        Path unlabelled;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "HEAD", description = "Head file to write (JSON).")
        Path output;

        @Option(names = "--lambda", defaultValue = "0.01", description = "L2 strength (default: ${DEFAULT-VALUE}).")
        double lambda;

        @Option(names = "--threshold", defaultValue = "0.8", description = "Pseudo-label confidence (default: ${DEFAULT-VALUE}).")
        double threshold;

        @Option(names = "--rounds", defaultValue = "3", description = "Self-training rounds (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--confidence", defaultValue = "probability",
                description = "probability (the head's own) or t-similarity (ensemble agreement); default ${DEFAULT-VALUE}.")
        String confidence;

        @Override
        public Integer call() {
            RewardModelTrainer.Confidence c = switch (confidence.toLowerCase(Locale.ROOT)) {
                case "probability" -> RewardModelTrainer.Confidence.PROBABILITY;
                case "t-similarity", "t_similarity" -> RewardModelTrainer.Confidence.T_SIMILARITY;
                default -> throw new IllegalArgumentException("--confidence: expected probability or t-similarity, got '"
                        + confidence + "'");
            };
            List<PreferencePair> labelled = new ArrayList<>();
            for (Payload.Preference p : preferences(pairs)) {
                labelled.add(new PreferencePair(p.prompt() == null ? "" : p.prompt().text(), p.chosen().text(), p.rejected().text()));
            }
            if (labelled.isEmpty()) throw new IllegalArgumentException(pairs + ": no preference pairs");
            RewardModelTrainer trainer = RewardModelTrainer.builder().lambda(lambda).threshold(threshold).rounds(rounds)
                    .confidence(c).build();
            PrintWriter out = spec.commandLine().getOut();
            RewardModel model;
            if (unlabelled == null) {
                model = trainer.train(labelled);
            } else {
                List<PairInput> u = new ArrayList<>();
                for (Payload.Preference p : preferences(unlabelled)) {
                    u.add(new PairInput(p.prompt() == null ? "" : p.prompt().text(), p.chosen().text(), p.rejected().text(), null));
                }
                SelfTrainingResult r = trainer.selfTrain(labelled, u);
                out.println("round  candidates  selected  changed  mean confidence  training accuracy");
                for (SsrmRound round : r.rounds()) {
                    out.printf(Locale.ROOT, "%5d  %10d  %8d  %7d  %15.3f  %17.3f%n", round.round(), round.candidates(),
                            round.selected(), round.changed(), round.meanConfidence(), round.trainingAccuracy());
                }
                model = r.model();
            }
            model.save(output);
            out.printf(Locale.ROOT, "trained on %,d labelled pair(s)%s -> %s%n", labelled.size(),
                    unlabelled == null ? "" : " plus self-training", output);
            return 0;
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = {"Score records with a trained head: a preference record gets P(chosen beats rejected); any "
                    + "other record gets the reward of its response. Stored as the score named --name."},
            footer = {"", "Examples:", "  distillery rm score --head head.json --data candidates.jsonl -o scored.jsonl"})
    static class Score implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--head", required = true, paramLabel = "HEAD", description = "Head file from `rm train`.")
        Path head;

        @Option(names = "--data", required = true, paramLabel = "FILE", description = "Records, any format.")
        Path data;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Scored records.")
        Path output;

        @Option(names = "--name", defaultValue = "reward-model", description = "Score name (default: ${DEFAULT-VALUE}).")
        String name;

        @Override
        public Integer call() {
            RewardModel model = RewardModel.load(head);
            long n = 0;
            long start = System.nanoTime();
            try (Datasets.Output out = Datasets.output(output, "distillery", Datasets.WriteOptions.defaults());
                 RecordIterator it = Datasets.input(data, null).open()) {
                while (it.hasNext()) {
                    DataRecord r = it.next();
                    double value = switch (r.payload()) {
                        case Payload.Preference p -> model.preference(p.prompt() == null ? "" : p.prompt().text(),
                                p.chosen().text(), p.rejected().text());
                        default -> model.reward(r.payload().promptText(), responseOf(r.payload()));
                    };
                    out.write(r.withScore(name, new dev.distillery.datasets.model.Score(value, null)));
                    n++;
                }
                out.commit();
            }
            spec.commandLine().getOut().printf(Locale.ROOT, "scored %,d record(s) in %.1f s -> %s%n", n,
                    (System.nanoTime() - start) / 1e9, output);
            return 0;
        }
    }

    /** The response side of a single-answer record: the completion, or the last assistant turn. */
    private static String responseOf(Payload p) {
        return switch (p) {
            case Payload.PromptCompletion pc -> pc.completion().text();
            case Payload.Chat c -> c.messages().messages().isEmpty() ? ""
                    : c.messages().messages().getLast().content();
            default -> p.text();
        };
    }

    private static List<Payload.Preference> preferences(Path file) {
        List<Payload.Preference> out = new ArrayList<>();
        try (RecordIterator it = Datasets.input(file, null).open()) {
            long n = 0;
            while (it.hasNext()) {
                DataRecord r = it.next();
                n++;
                if (!(r.payload() instanceof Payload.Preference p)) {
                    throw new IllegalArgumentException(file + ": record " + n + " (id " + r.id() + ") is a '"
                            + r.payload().type() + "' record; expected preference pairs (prompt/chosen/rejected)");
                }
                out.add(p);
            }
        }
        return out;
    }
}
