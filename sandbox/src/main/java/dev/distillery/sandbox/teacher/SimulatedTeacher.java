package dev.distillery.sandbox.teacher;

import dev.distillery.sandbox.world.Skill;
import dev.distillery.sandbox.world.Task;
import dev.distillery.sandbox.world.TaskWorld;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A <b>simulated</b> teacher for the offline sandbox, a LangChain4j {@link ChatModel} that knows the sandbox's
 * {@link TaskWorld}: asked a sandbox task (inside any prompt template), it answers correctly except at a configured
 * per-skill error rate, where it gives a plausible wrong answer; asked to write new task instructions, it writes
 * sandbox instructions; asked by the built-in {@code single-grade} or {@code p-true} LLM judge to judge an answer to a
 * sandbox task, it judges like a fallible LLM judge: it knows the truth from the sandbox's verifier and gives the wrong
 * verdict at configured rates ({@link Builder#judgeFalsePass}, {@link Builder#judgeFalseFail}). It is used only where
 * a pipeline names it (provider {@code sandbox}) and never stands in for a real model anywhere else.
 *
 * <pre>{@code
 * ChatModel teacher = SimulatedTeacher.builder(TaskWorld.standard()).errorRate(0.2).errorRate("subtract", 0.5).build();
 * teacher.chat("What is 12 + 30?");   // "42", or an off-by-one answer 20% of the time
 * }</pre>
 *
 * <p>Answers are reproducible: the randomness of a call derives from the teacher's seed and the request's text and
 * parameters, so an identical request gets an identical answer (as a call cache would return). Sampled requests
 * (temperature &gt; 0) also mix in a call counter, so repeated samples of one prompt can differ. Judging is the
 * exception: the verdict on an item derives from the seed, the judge's format, the question and the answer only, so
 * every sample agrees (see {@link #judge}).
 */
public final class SimulatedTeacher implements ChatModel {

    /** How the teacher's answers look. */
    public enum Style {
        /** Just the answer. */
        DIRECT,
        /** A line of reasoning, then {@code Answer: ...} (what step-by-step prompting elicits). */
        STEP_BY_STEP
    }

    private static final Pattern COUNT = Pattern.compile("(?i)(?:write|generate|create|propose|give)(?: me)? (\\d{1,3})\\b");
    private static final Pattern WRITE_TASKS = Pattern.compile(
            "(?i)\\b(new|more|additional|diverse)\\b.{0,40}\\b(instructions?|tasks?|questions?|prompts?)\\b");

    private final TaskWorld world;
    private final double defaultErrorRate;
    private final Map<String, Double> errorRates;
    private final Style style;
    private final long seed;
    private final java.time.Duration latency;
    private final double judgeFalsePass;
    private final double judgeFalseFail;
    private final AtomicLong calls = new AtomicLong();
    private final Map<String, AtomicLong> answered = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, AtomicLong> wrong = new java.util.concurrent.ConcurrentHashMap<>();

    private SimulatedTeacher(Builder b) {
        this.world = b.world;
        this.defaultErrorRate = b.errorRate;
        this.errorRates = Map.copyOf(b.errorRates);
        this.style = b.style;
        this.seed = b.seed;
        this.latency = b.latency;
        this.judgeFalsePass = b.judgeFalsePass;
        this.judgeFalseFail = b.judgeFalseFail;
    }

    public static Builder builder(TaskWorld world) {
        return new Builder(world);
    }

    public static final class Builder {
        private final TaskWorld world;
        private double errorRate = 0.2;
        private final Map<String, Double> errorRates = new HashMap<>();
        private Style style = Style.DIRECT;
        private long seed = 1;
        private java.time.Duration latency = java.time.Duration.ZERO;
        private double judgeFalsePass = 0.15;
        private double judgeFalseFail = 0.10;

        private Builder(TaskWorld world) {
            this.world = Objects.requireNonNull(world, "world");
        }

        /** Share of wrong answers on every skill without its own rate (default 0.2). */
        public Builder errorRate(double rate) {
            this.errorRate = checkRate(rate, "errorRate");
            return this;
        }

        public Builder errorRate(String skill, double rate) {
            world.skill(skill);
            errorRates.put(skill, checkRate(rate, "errorRate(" + skill + ")"));
            return this;
        }

        public Builder style(Style s) {
            this.style = Objects.requireNonNull(s, "style");
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** How long each answer takes, like a remote model's round trip (default none). */
        public Builder latency(java.time.Duration d) {
            if (d.isNegative()) throw new IllegalArgumentException("latency cannot be negative");
            this.latency = d;
            return this;
        }

        /**
         * As a judge, the share of wrong answers (by the sandbox's verifier) that it passes (default 0.15): the
         * leniency that lets bad teacher data through a judge filter.
         */
        public Builder judgeFalsePass(double rate) {
            this.judgeFalsePass = checkRate(rate, "judgeFalsePass");
            return this;
        }

        /** As a judge, the share of right answers that it fails (default 0.10): good data a judge filter throws away. */
        public Builder judgeFalseFail(double rate) {
            this.judgeFalseFail = checkRate(rate, "judgeFalseFail");
            return this;
        }

        public SimulatedTeacher build() {
            return new SimulatedTeacher(this);
        }

        private static double checkRate(double r, String what) {
            if (!(r >= 0 && r <= 1)) throw new IllegalArgumentException(what + " must be in [0, 1], got " + r);
            return r;
        }
    }

    public double errorRate(String skill) {
        return errorRates.getOrDefault(skill, defaultErrorRate);
    }

    public double judgeFalsePass() {
        return judgeFalsePass;
    }

    public double judgeFalseFail() {
        return judgeFalseFail;
    }

    /** Tasks answered and answered wrongly so far, per skill: the ground truth a judge's recall is measured against. */
    public Map<String, long[]> tally() {
        Map<String, long[]> out = new java.util.TreeMap<>();
        answered.forEach((k, v) -> out.put(k, new long[] {v.get(), wrong.getOrDefault(k, new AtomicLong()).get()}));
        return out;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        if (!latency.isZero()) {
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while simulating latency", e);
            }
        }
        String system = "";
        String user = "";
        for (ChatMessage m : request.messages()) {
            if (m instanceof SystemMessage s) system = s.text();
            else if (m instanceof UserMessage u && u.hasSingleText()) user = u.singleText();
        }
        String reply;
        // Judge prompts first: they hold a task (in the question) and may mention "more questions" or the like, so
        // either of the other checks would take them for a request to answer or to write tasks.
        var judging = JudgePrompt.recognise(user);
        if (judging.isPresent()) {
            reply = judge(judging.get());
        } else {
            SplittableRandom rng = new SplittableRandom(seed ^ requestHash(request));
            if (WRITE_TASKS.matcher(user).find()) {
                reply = writeTasks(user, rng);
            } else {
                var task = world.parse(user);
                reply = task.isPresent() ? answer(task.get(), system + "\n" + user, rng)
                        : "I am the sandbox teacher: I only know the sandbox's tasks (" + String.join(", ", world.skillNames())
                        + ").";
            }
        }
        int in = tokens(system) + tokens(user);
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(reply))
                .modelName("sandbox-teacher")
                .tokenUsage(new TokenUsage(in, tokens(reply)))
                .finishReason(FinishReason.STOP)
                .build();
    }

    private String answer(Task t, String prompt, SplittableRandom rng) {
        Skill skill = world.skill(t.skill());
        boolean err = rng.nextDouble() < errorRate(t.skill());
        answered.computeIfAbsent(t.skill(), k -> new AtomicLong()).incrementAndGet();
        if (err) wrong.computeIfAbsent(t.skill(), k -> new AtomicLong()).incrementAndGet();
        String a = err ? skill.wrongAnswer(t, rng) : t.answer();
        boolean stepByStep = style == Style.STEP_BY_STEP || prompt.toLowerCase(Locale.ROOT).contains("step by step");
        if (!stepByStep) return a;
        return "Let me work through it: " + skill.description().toLowerCase(Locale.ROOT).replaceAll("\\.$", "")
                + " for " + String.join(", ", t.operands()) + ".\nAnswer: " + a;
    }

    /**
     * A fallible judge's verdict in the format the asking judge parses. The truth comes from the sandbox's verifier; the
     * verdict is the wrong one at rate {@link #judgeFalsePass} for wrong answers and {@link #judgeFalseFail} for right
     * ones. The draw depends on the item (seed, format, question, answer) and not on the sampling temperature or a
     * call counter: a real judge's mistake on an item is systematic, and independent draws per sample would let
     * p-true's vote over 5 samples average the configured rates away (a 15% false pass per sample is under 3% for a
     * majority of 5). So p-true's estimate is always 0 or 1, and both judges' measured rates are the configured ones.
     */
    private String judge(JudgePrompt p) {
        var task = world.parse(p.question());
        if (task.isEmpty()) {
            // Deliberately unparseable by either judge: the verdict becomes a recorded failure that says why.
            return "I am the sandbox teacher: I can judge only answers to the sandbox's tasks ("
                    + String.join(", ", world.skillNames()) + "), and this question holds none.";
        }
        Skill skill = world.skill(task.get().skill());
        boolean right = skill.verify(task.get(), p.answer());
        SplittableRandom rng = new SplittableRandom(seed ^ itemHash(p));
        boolean mistaken = rng.nextDouble() < (right ? judgeFalseFail : judgeFalsePass);
        boolean pass = right != mistaken;
        return switch (p.format()) {
            case P_TRUE -> pass ? "(A) True" : "(B) False";
            case SINGLE_GRADE -> {
                String what = skill.description().toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
                // Pass-like 7-10, fail-like 1-4: any rating threshold from 5 to 7 separates the two.
                int rating = pass ? 7 + rng.nextInt(4) : 1 + rng.nextInt(4);
                String why = pass
                        ? "The answer's result agrees with my own working and is stated plainly."
                        : "The answer's result disagrees with my own working, so it does not answer the question correctly.";
                yield "The question asks to " + what + ". " + why + "\nRating: [[" + rating + "]]";
            }
        };
    }

    /**
     * FNV-1a over the item's parts: 64 bits, because a judged set of tens of thousands of items would meet collisions
     * of Java's 32-bit String hash, and with its multiplier 31 even short answers collide ("Aa" and "BB").
     */
    private static long itemHash(JudgePrompt p) {
        long h = 0xcbf29ce484222325L ^ p.format().ordinal();
        for (String part : new String[] {p.question(), p.answer()}) {
            for (int i = 0; i < part.length(); i++) h = (h ^ part.charAt(i)) * 0x100000001b3L;
            h = (h ^ 0x10000) * 0x100000001b3L; // a separator outside char range: ("ab", "c") differs from ("a", "bc")
        }
        return h;
    }

    /** New instructions for the skills the prompt names (all skills when it names none). */
    private String writeTasks(String prompt, SplittableRandom rng) {
        Matcher m = COUNT.matcher(prompt);
        int n = m.find() ? Math.max(1, Math.min(50, Integer.parseInt(m.group(1)))) : 5;
        String lower = prompt.toLowerCase(Locale.ROOT);
        List<String> named = world.skillNames().stream().filter(s -> lower.contains(s.replace('-', ' '))
                || lower.contains(s)).toList();
        List<String> pool = named.isEmpty() ? world.skillNames() : named;
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(world.skill(pool.get(rng.nextInt(pool.size()))).sample(rng).instruction());
        }
        if (lower.contains("json")) {
            try {
                return dev.distillery.datasets.json.Json.MAPPER.writeValueAsString(tasks);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tasks.size(); i++) sb.append(i + 1).append(". ").append(tasks.get(i)).append('\n');
        return sb.toString().strip();
    }

    private long requestHash(ChatRequest r) {
        long h = r.messages().toString().hashCode();
        Double t = r.parameters() == null ? null : r.parameters().temperature();
        h = h * 31 + Objects.hashCode(t);
        if (r.parameters() != null) h = h * 31 + Objects.hashCode(r.parameters().maxOutputTokens());
        if (t != null && t > 0) h = h * 31 + calls.incrementAndGet();
        return h;
    }

    /** A rough token count (4 characters a token) for usage accounting. */
    private static int tokens(String s) {
        return (s.length() + 3) / 4;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }
}
