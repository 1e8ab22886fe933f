package dev.distillery.orchestrator.cli;

import dev.distillery.trainers.runtime.LocalModel;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;

/** The model a runtime command uses: a model directory, an optional PEFT adapter, and the backend choice. */
public class LocalModelOptions {

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model directory (config.json, model.safetensors, tokenizer).")
    Path model;

    @Option(names = "--adapter", paramLabel = "DIR", description = "A PEFT LoRA adapter to apply (not merged).")
    Path adapter;

    @Option(names = "--backend", defaultValue = "auto",
            description = "auto (Jlama when its parity check passes, else the trainer's engine), jlama or engine "
                    + "(default: ${DEFAULT-VALUE}).")
    String backend;

    LocalModel open() {
        var b = LocalModel.builder(model).backend(LocalModel.BackendChoice.valueOf(backend.toUpperCase(Locale.ROOT)));
        if (adapter != null) b.adapter(adapter);
        return b.build();
    }
}
