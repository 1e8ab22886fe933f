package dev.distillery.trainers.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdapterAndFilesTest {

    @TempDir
    Path scratch;

    static GenerationRequest greedy() {
        return GenerationRequest.builder(Prompt.chat(TinyRuntimeModels.QUESTION)).maxNewTokens(12).build();
    }

    @Test
    void adapterOnTheEngineWithoutMergingEqualsTheMergedModelOnJlama() {
        try (LocalModel engine = LocalModel.builder(TinyRuntimeModels.model()).adapter(TinyRuntimeModels.adapter())
                .backend(LocalModel.BackendChoice.ENGINE).build();
             LocalModel jlama = LocalModel.builder(TinyRuntimeModels.model()).adapter(TinyRuntimeModels.adapter())
                     .backend(LocalModel.BackendChoice.JLAMA).scratchDirectory(scratch).build();
             LocalModel base = LocalModel.builder(TinyRuntimeModels.model()).backend(LocalModel.BackendChoice.ENGINE).build()) {
            assertEquals(LocalModel.Backend.JLAMA, jlama.backend());
            assertTrue(jlama.parityReport().orElseThrow().passed(), "merged Jlama vs unmerged engine");
            Path merged = jlama.scratchDirectory().orElseThrow().resolve("merged");
            assertTrue(Files.isRegularFile(merged.resolve("model.safetensors")));

            GenerationResult.Sample e = new Generator(engine).generate(greedy()).first();
            GenerationResult.Sample j = new Generator(jlama).generate(greedy()).first();
            GenerationResult.Sample b = new Generator(base).generate(greedy()).first();
            assertArrayEquals(e.tokenIds(), j.tokenIds());
            assertArrayEquals(e.logProbs(), j.logProbs(), 1e-4);
            assertFalse(Arrays.equals(e.tokenIds(), b.tokenIds()), "the adapter changes the output");

            GenerationRequest sampled = GenerationRequest.builder(Prompt.chat(TinyRuntimeModels.QUESTION))
                    .maxNewTokens(8).temperature(1.0).seed(9L).n(2).build();
            assertEquals(new Generator(engine).generate(sampled).samples().stream().map(s -> Arrays.toString(s.tokenIds())).toList(),
                    new Generator(jlama).generate(sampled).samples().stream().map(s -> Arrays.toString(s.tokenIds())).toList());
        }
        assertEquals(Set.of(), list(scratch), "the merged model and Jlama's working dir are deleted on close");
    }

    /**
     * Names Jlama, Guava or this runtime would leave in the temp dir: ours, Jlama's native-library folder and KV
     * pages, and Guava's createTempDir folders (Jlama's default working directory; digits only).
     */
    private static final Pattern OURS = Pattern.compile(
            "distillery-local-model.*|distillery-jlama-check.*|jlama.*|\\d+(-\\d+)?|.*\\.page");

    @Test
    void nothingIsLeftInTheTempDirOrTheWorkingDirAfterClose() throws IOException {
        // Jlama unpacks its native library once per JVM; let that happen before the snapshot.
        LocalModel.load(TinyRuntimeModels.model()).close();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path cwd = Path.of("").toAbsolutePath();
        Set<String> tmpBefore = matching(tmp);
        Set<String> cwdBefore = list(cwd);
        Path work;
        try (LocalModel m = LocalModel.builder(TinyRuntimeModels.model()).adapter(TinyRuntimeModels.adapter()).build()) {
            work = m.scratchDirectory().orElseThrow();
            assertTrue(Files.isDirectory(work));
            new Generator(m).generate(GenerationRequest.builder(Prompt.chat(TinyRuntimeModels.QUESTION))
                    .maxNewTokens(20).temperature(1).seed(1L).n(3).build());
            // Ephemeral KV buffers: nothing in Jlama's working directory while serving.
            assertEquals(Set.of(), list(work.resolve("work")));
        }
        assertFalse(Files.exists(work));
        assertEquals(tmpBefore, matching(tmp));
        assertEquals(cwdBefore, list(cwd));
        // A closed model refuses work instead of touching deleted files.
        LocalModel m = LocalModel.load(TinyRuntimeModels.model());
        m.close();
        assertThrows(IllegalStateException.class, () -> new Generator(m).generate(greedy()));
        m.close(); // idempotent
    }

    private static Set<String> matching(Path dir) throws IOException {
        return list(dir).stream().filter(n -> OURS.matcher(n).matches()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
