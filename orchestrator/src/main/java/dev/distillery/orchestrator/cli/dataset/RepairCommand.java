package dev.distillery.orchestrator.cli.dataset;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.format.Formats;
import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.store.Dataset;
import dev.distillery.datasets.store.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code distillery dataset repair}: make a dataset's manifest match its shards again. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"Rescan every shard of a dataset directory: cut off a partial last line left by a killed "
                + "writer, recount records, rehash shards, and write a complete manifest.",
                "Use it after a crash, or after editing shards on purpose."},
        footer = {"", "Examples:", "  distillery dataset repair runs/r1/sft"})
public class RepairCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "A dataset directory.")
    Path dir;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) throw new DatasetException(dir + ": not a directory");
        String format = Files.exists(dir.resolve(Manifest.FILE_NAME)) ? Manifest.read(dir).format() : "distillery";
        Manifest m = Dataset.repair(dir, Datasets.decoder(Formats.byName(format)));
        spec.commandLine().getOut().printf("repaired %s: %,d records in %d shard(s), manifest complete%n", dir,
                m.records(), m.shards().size());
        return 0;
    }
}
