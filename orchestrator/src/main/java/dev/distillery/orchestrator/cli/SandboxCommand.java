package dev.distillery.orchestrator.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.sandbox.world.Task;
import dev.distillery.sandbox.world.TaskWorld;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code distillery sandbox}: task files of the offline sandbox world (instructions to answer, held-out sets). */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = "Write task files of the sandbox world, the offline simulator of examples/sandbox.yaml: "
                + "instructions for a teacher to answer, and held-out evaluation sets with exact answers that share "
                + "no task with given training files. Every line carries its skill in a `skill` field.",
        subcommands = {SandboxCommand.Tasks.class, SandboxCommand.Eval.class, SandboxCommand.Skills.class})
public class SandboxCommand {

    /** {@code distillery sandbox skills}. */
    @Command(name = "skills", mixinStandardHelpOptions = true, description = "List the sandbox's skills.")
    static class Skills implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            TaskWorld world = TaskWorld.standard();
            for (String s : world.skillNames()) {
                spec.commandLine().getOut().printf("%-12s %s%n", s, world.skill(s).description());
            }
            return 0;
        }
    }

    /** {@code distillery sandbox tasks}: instructions without answers, one line {"text", "skill"} each. */
    @Command(name = "tasks", mixinStandardHelpOptions = true,
            description = "Write sandbox instructions (no answers) for a teacher to answer: {\"text\": ..., \"skill\": ...}.",
            footer = {"", "Example:", "  distillery sandbox tasks --per-skill 300 --seed 1 -o examples/sandbox/tasks.jsonl"})
    static class Tasks implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--per-skill", required = true, paramLabel = "N", description = "Tasks per skill.")
        int perSkill;

        @Option(names = "--seed", defaultValue = "1", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--exclude", paramLabel = "FILE", split = ",",
                description = "Files whose tasks must not recur (any format; the instructions are recognised).")
        List<Path> exclude = List.of();

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "JSONL file to write.")
        Path output;

        @Override
        public Integer call() throws IOException {
            TaskWorld world = TaskWorld.standard();
            List<Task> tasks = world.evalSet(perSkill, seed, keysIn(world, exclude));
            write(output, tasks, false);
            spec.commandLine().getOut().printf("wrote %d tasks (%d per skill) to %s%n", tasks.size(), perSkill, output);
            return 0;
        }
    }

    /** {@code distillery sandbox eval}: held-out chats ending with the exact answer. */
    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Write a held-out evaluation set: chats {\"messages\": [user, assistant], \"skill\": ...} whose "
                    + "tasks occur in none of the --exclude files.",
            footer = {"", "Example:", "  distillery sandbox eval --per-skill 50 --seed 2026 --exclude examples/sandbox/tasks.jsonl "
                    + "-o examples/sandbox/eval.jsonl"})
    static class Eval implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--per-skill", required = true, paramLabel = "N", description = "Tasks per skill.")
        int perSkill;

        @Option(names = "--seed", defaultValue = "2026", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--exclude", paramLabel = "FILE", split = ",", description = "Training files to stay disjoint from.")
        List<Path> exclude = List.of();

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "JSONL file to write.")
        Path output;

        @Override
        public Integer call() throws IOException {
            TaskWorld world = TaskWorld.standard();
            Set<String> excluded = keysIn(world, exclude);
            List<Task> tasks = world.evalSet(perSkill, seed, excluded);
            write(output, tasks, true);
            spec.commandLine().getOut().printf("wrote %d held-out tasks (%d per skill, disjoint from %d excluded tasks) to %s%n",
                    tasks.size(), perSkill, excluded.size(), output);
            return 0;
        }
    }

    /** The task keys (skill and operands) of every sandbox instruction in the files. */
    static Set<String> keysIn(TaskWorld world, List<Path> files) throws IOException {
        Set<String> keys = new HashSet<>();
        for (Path f : files) {
            try (RecordIterator it = Datasets.input(f, null).open()) {
                while (it.hasNext()) {
                    DataRecord r = it.next();
                    world.parse(r.payload().promptText()).ifPresent(t -> keys.add(t.key()));
                }
            }
        }
        return keys;
    }

    private static void write(Path output, List<Task> tasks, boolean withAnswer) throws IOException {
        if (output.getParent() != null) Files.createDirectories(output.getParent());
        Path tmp = output.resolveSibling(output.getFileName() + ".tmp");
        List<String> lines = new ArrayList<>(tasks.size());
        for (Task t : tasks) {
            ObjectNode o = Json.object();
            if (withAnswer) {
                var messages = o.putArray("messages");
                messages.addObject().put("role", "user").put("content", t.instruction());
                messages.addObject().put("role", "assistant").put("content", t.answer());
            } else {
                o.put("text", t.instruction());
            }
            o.put("skill", t.skill());
            lines.add(Json.string(o));
        }
        try (BufferedWriter w = Files.newBufferedWriter(tmp)) {
            for (String l : lines) {
                w.write(l);
                w.write('\n');
            }
        }
        Files.move(tmp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
