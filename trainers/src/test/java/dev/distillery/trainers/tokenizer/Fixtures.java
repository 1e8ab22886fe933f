package dev.distillery.trainers.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A small multilingual corpus and one tokenizer trained on it, shared by the tokenizer tests (training is cheap). */
final class Fixtures {

    static final int VOCAB = 600;
    static final int PADDED = 640;

    private static final String[] SENTENCES = {
            "The quick brown fox jumps over the lazy dog.",
            "Distillation trains a small model on the answers of a larger one.",
            "We'll see: they're sure it's done, I'm told, you've heard, he'd say.",
            "Prices rose by 12.5% in 2024; 3 out of 1000 items cost €19.99.",
            "Café, naïve, résumé — déjà vu über Straße and smörgåsbord.",
            "東京は日本の首都です。我爱自然语言处理。",
            "Emoji test 😀🚀 and 👍🏽 inside text.",
            "def train(model, data):\n    for batch in data:\n        loss = model(batch)\n        loss.backward()\n",
            "  leading spaces, trailing spaces   \n\n\ttabs\tand\r\nwindows newlines\n",
            "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n2+2 = 4.<|im_end|>\n",
            "Привет, мир! Γειά σου Κόσμε. مرحبا بالعالم",
    };

    private static TrainedTokenizer trained;
    private static Path dir;

    private Fixtures() {
    }

    /** A deterministic corpus: the sentences repeated with some word shuffling so that counts differ. */
    static List<String> corpus() {
        Random rnd = new Random(7);
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < 5; j++) sb.append(SENTENCES[rnd.nextInt(SENTENCES.length)]).append(j % 2 == 0 ? " " : "\n");
            docs.add(sb.toString());
        }
        docs.addAll(List.of(SENTENCES));
        return docs;
    }

    static synchronized TrainedTokenizer trained() {
        if (trained == null) {
            trained = new ByteLevelBpeTrainer(ByteLevelBpeTrainer.Options.chatMl(VOCAB).withPadTo(PADDED)).train(corpus());
        }
        return trained;
    }

    /** The trained tokenizer written to a temporary directory (tokenizer.json + tokenizer_config.json). */
    static synchronized Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("distillery-tok");
                trained().write(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    static ByteLevelBpeTokenizer tokenizer() {
        try {
            return ByteLevelBpeTokenizer.load(dir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Strings the parity tests compare: ASCII, non-ASCII, whitespace-heavy, special tokens. */
    static final List<String> PARITY = List.of(
            "Hello world",
            "The quick brown fox jumps over the lazy dog.",
            "  leading and trailing  ",
            "x = 12345678 + 3.14159;",
            "we'll they're I'M SHE'S",
            "line one\nline two\n\n\nline five\r\n\ttabbed",
            "    indented code\n        more\n",
            "héllo €",
            "Café naïve déjà vu — Straße",
            "東京は日本の首都です。",
            "我爱自然语言处理",
            "emoji 😀🚀👍🏽 and ZWJ 👨‍👩‍👧",
            "Привет, мир!",
            "\u00a0non-breaking\u2003em space\u3000ideographic",
            "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n",
            "text<|endoftext|>more<|reserved_3|>end",
            "<|im_start|><|im_end|><|im_start|",
            "");

    /** ASCII-only strings for the Jlama comparison. */
    static final List<String> ASCII = List.of(
            "Hello world",
            "The quick brown fox jumps over the lazy dog.",
            "x = 12345678 + 3.14159;",
            "we'll they're done",
            "line one\nline two\n\nline four",
            "def train(model, data):\n    return model",
            "Distillation trains a small model.");
}
