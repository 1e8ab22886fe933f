package dev.distillery.sandbox.world;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The sandbox's world of verifiable skills: samples tasks, builds held-out evaluation sets that share no task with
 * training data, recognises any skill's instruction inside a prompt, and verifies answers.
 *
 * <pre>{@code
 * TaskWorld world = TaskWorld.standard();
 * List<Task> eval = world.evalSet(50, 2026L, trainingKeys);      // 50 per skill, none seen in training
 * boolean ok = world.verify(eval.get(0).instruction(), "85");
 * }</pre>
 */
public final class TaskWorld {

    private final Map<String, Skill> skills = new LinkedHashMap<>();

    public TaskWorld(Collection<Skill> skills) {
        for (Skill s : skills) {
            if (this.skills.putIfAbsent(s.name(), s) != null) throw new IllegalArgumentException("two skills named " + s.name());
        }
    }

    /** All built-in skills with two-digit numbers. */
    public static TaskWorld standard() {
        return new TaskWorld(Skills.all(2));
    }

    public List<String> skillNames() {
        return List.copyOf(skills.keySet());
    }

    public Skill skill(String name) {
        Skill s = skills.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown skill '" + name + "'"
                    + dev.distillery.datasets.spi.Names.didYouMean(name, skills.keySet())
                    + " (skills: " + String.join(", ", skills.keySet()) + ")");
        }
        return s;
    }

    /** {@code n} tasks of one skill, reproducible from the seed; no task repeats. */
    public List<Task> sample(String skill, int n, long seed) {
        return sample(skill, n, seed, Set.of());
    }

    private List<Task> sample(String skill, int n, long seed, Set<String> exclude) {
        Skill s = skill(skill);
        SplittableRandom rng = new SplittableRandom(seed ^ skill.hashCode());
        List<Task> out = new ArrayList<>();
        Set<String> seen = new HashSet<>(exclude);
        int attempts = 0;
        while (out.size() < n) {
            if (++attempts > 100 * n + 1000) {
                throw new IllegalStateException("skill " + skill + " has too few distinct tasks for " + n + " samples");
            }
            Task t = s.sample(rng);
            if (seen.add(t.key())) out.add(t);
        }
        return out;
    }

    /** {@code perSkill} held-out tasks of every skill, none of whose keys is in {@code trainingKeys}. */
    public List<Task> evalSet(int perSkill, long seed, Set<String> trainingKeys) {
        List<Task> out = new ArrayList<>();
        for (String name : skills.keySet()) out.addAll(sample(name, perSkill, seed, trainingKeys));
        return out;
    }

    /**
     * The task whose instruction occurs in {@code text}. When several skills match, the longest instruction wins: a
     * specific phrasing ("Reply in JSON ...: what is 2 + 3?") contains a general one ("what is 2 + 3?").
     */
    public Optional<Task> parse(String text) {
        Task best = null;
        for (Skill s : skills.values()) {
            Optional<Task> t = s.parse(text);
            if (t.isPresent() && (best == null || t.get().instruction().length() > best.instruction().length())) {
                best = t.get();
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whether {@code response} correctly answers the sandbox task in {@code instruction}; false if none is there. */
    public boolean verify(String instruction, String response) {
        return parse(instruction).map(t -> skill(t.skill()).verify(t, response)).orElse(false);
    }

    /** A chat record: the instruction as the user turn, the exact answer as the assistant turn. */
    public static DataRecord toRecord(Task t) {
        return DataRecord.of(new Payload.Chat(Conversation.of(Message.user(t.instruction()), Message.assistant(t.answer())),
                null)).withKind("sft");
    }
}
