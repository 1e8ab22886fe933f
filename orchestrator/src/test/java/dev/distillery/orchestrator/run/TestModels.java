package dev.distillery.orchestrator.run;

import dev.distillery.generators.testserver.OpenAiTestServer;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.spec.PipelineSpecs;
import dev.distillery.orchestrator.spec.SpecCatalog;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the end-to-end tests' OpenAI-compatible server knows: numbered questions, the teacher's answer to each, the
 * grader's rating of each answer (or an unparseable verdict for some), and the pipeline spec that uses them. Every
 * answer is a function of the question's number, so a test knows each record, score and token count in advance.
 */
final class TestModels {

    private static final Pattern NUMBER = Pattern.compile("Q(\\d+)\\.");

    private TestModels() {
    }

    static String question(int n) {
        return "Q" + n + ". What is " + n + " squared?";
    }

    static String teacherAnswer(int n) {
        return "Q" + n + ". " + n + " squared is " + (n * n) + ".";
    }

    /** The grader's rating of question {@code n}'s answer, 1..10; null for the answers it gives no parseable verdict on. */
    static Integer rating(int n) {
        return n % 17 == 16 ? null : n % 10 + 1;
    }

    /** The grader's reply for answers it will not rate: no {@code Rating: [[n]]} line. */
    static String unparseable(int n) {
        return "Q" + n + ". I would rather not rate this answer.";
    }

    /** The number of the first question quoted in {@code text}. */
    static int number(String text) {
        Matcher m = NUMBER.matcher(text);
        if (!m.find()) throw new IllegalArgumentException("no question number in: " + text);
        return Integer.parseInt(m.group(1));
    }

    /** Whether {@code prompt} is single-grade's judging prompt (it quotes the question and the answer). */
    static boolean isJudgePrompt(String prompt) {
        return prompt.contains("[Start of the assistant's answer]");
    }

    /** The server's responder: the grader's verdict for a judging prompt, the teacher's answer otherwise. */
    static String answer(OpenAiTestServer.Request r) {
        int n = number(r.prompt());
        if (!isJudgePrompt(r.prompt())) return teacherAnswer(n);
        Integer rating = rating(n);
        return rating == null ? unparseable(n) : "Q" + n + ". The answer states the square correctly.\nRating: [[" + rating + "]]";
    }

    /**
     * source, responses flow (teacher), single-grade judge named {@code quality} (grader), filter on quality >= 6,
     * exact dedup, TRL export to {@code out/train.jsonl}. The grader is asked once per answer ({@code attempts: 1}):
     * at temperature 0 a second attempt would get the same reply, from the call cache.
     */
    static String spec(String name, String baseUrl, String source, int flowBatch, int concurrency, int judgeBatch) {
        return """
                name: %s
                models:
                  teacher: {provider: openai-compatible, base_url: "%s", model: teacher-model, max_concurrency: %d}
                  grader: {provider: openai-compatible, base_url: "%s", model: grader-model, max_concurrency: %d}
                stages:
                  - name: seeds
                    kind: source
                    path: %s
                  - name: answers
                    kind: flow
                    inputs: [seeds]
                    flow: responses
                    settings: {strategies: [direct-answer]}
                    models: {teacher: teacher}
                    batch: %d
                    concurrency: %d
                  - name: graded
                    kind: judge
                    inputs: [answers]
                    judge: single-grade
                    settings: {name: quality, attempts: 1}
                    models: {judge: grader}
                    batch: %d
                  - name: kept
                    kind: filter
                    inputs: [graded]
                    score: quality
                    min: 6
                  - name: unique
                    kind: dedup
                    inputs: [kept]
                    method: exact
                  - name: export
                    kind: export
                    inputs: [unique]
                    path: out/train.jsonl
                    format: trl-messages
                """.formatted(name, baseUrl, concurrency, baseUrl, concurrency, source, flowBatch, concurrency,
                judgeBatch);
    }

    static PipelineSpec parse(Path spec) {
        return PipelineSpecs.read(spec, SpecCatalog.installed());
    }
}
