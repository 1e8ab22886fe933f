package dev.distillery.trainers.runtime;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Message;
import dev.distillery.trainers.factory.TinyModelFactory;
import dev.distillery.trainers.io.FileTrees;
import dev.distillery.trainers.io.ModelLoader;
import dev.distillery.trainers.io.PeftAdapter;
import dev.distillery.trainers.model.LoraConfig;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.Projection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

/** One tiny model (and a random LoRA adapter for it) per JVM, shared by the runtime tests. */
final class TinyRuntimeModels {

    /** Jlama-safe shape (hidden ≤ 128, widths multiples of 128); a larger init std makes greedy choices clear-cut. */
    static final TinyModelFactory.Spec SPEC = new TinyModelFactory.Spec("llama", 64, 2, 4, 2, 128, 384, 256, false, 42, 0.1);

    static final Conversation QUESTION = Conversation.of(Message.user("what is 2+2?"));

    private static Path root;
    private static Path model;
    private static Path adapter;

    private TinyRuntimeModels() {
    }

    static synchronized Path model() {
        init();
        return model;
    }

    static synchronized Path adapter() {
        init();
        return adapter;
    }

    private static void init() {
        if (root != null) return;
        try {
            root = Files.createTempDirectory("distillery-runtime-test");
            model = root.resolve("tiny");
            TinyModelFactory.create(model, SPEC, List.of("what is 2+2? it is 4.", "reverse: abc -> cba",
                    "hello world, hello tokens"));
            ModelConfig c = ModelLoader.readConfig(model);
            LoraLayout layout = LoraLayout.of(c, new LoraConfig(4, 8, 0.1,
                    EnumSet.of(Projection.Q, Projection.V, Projection.UP, Projection.DOWN), false));
            float[] w = new float[layout.size()];
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * 0.2);
            adapter = root.resolve("adapter");
            PeftAdapter.write(adapter, layout, w, model.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    FileTrees.delete(root);
                } catch (IOException ignored) {
                    // test scratch
                }
            }));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
