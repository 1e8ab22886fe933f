package dev.distillery.sandbox.world;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The built-in skills: arithmetic, comparison, word manipulation, counting and format following. Numbers have at most
 * {@code digits} digits so that a tiny student can learn them in minutes.
 */
public final class Skills {
    private Skills() {
    }

    /** Short common words: small enough for a byte-level tokenizer, distinct enough to sort and reverse. */
    static final List<String> WORDS = List.of("red", "cat", "sun", "map", "dog", "pen", "cup", "box", "hat", "car",
            "tree", "fish", "bird", "milk", "rain", "star", "moon", "book", "lamp", "door", "leaf", "ship", "cake",
            "frog", "kite", "nest", "ring", "road", "sand", "wind", "bell", "coat");

    /** Every built-in skill, numbers up to {@code digits} digits. */
    public static List<Skill> all(int digits) {
        return List.of(new Add(digits), new Subtract(digits), new Compare(digits), new ReverseWords(),
                new SortWords(), new CountLetter(), new Uppercase(), new JsonSum(digits));
    }

    private static String number(SplittableRandom rng, int digits) {
        return Integer.toString(rng.nextInt((int) Math.pow(10, digits)));
    }

    private static String words(SplittableRandom rng, int min, int max) {
        List<String> pool = new ArrayList<>(WORDS);
        int n = min + rng.nextInt(max - min + 1);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(pool.remove(rng.nextInt(pool.size())));
        return String.join(" ", out);
    }

    private static String offByOne(String answer, SplittableRandom rng) {
        long v = Long.parseLong(answer);
        return Long.toString(v + (rng.nextBoolean() ? 1 : -1) * (rng.nextInt(3) == 0 ? 10 : 1));
    }

    private static Map<String, String> slots(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static final class Add extends PhrasedSkill {
        private final int digits;

        Add(int digits) {
            super("add", "Add two whole numbers.", List.of("What is {a} + {b}?", "Add {a} and {b}.",
                    "Compute the sum of {a} and {b}.", "What do you get when you add {a} to {b}?"));
            this.digits = digits;
        }

        @Override
        Map<String, String> drawSlots(SplittableRandom rng) {
            return slots("a", number(rng, digits), "b", number(rng, digits));
        }

        @Override
        String answer(Map<String, String> s) {
            return Long.toString(Long.parseLong(s.get("a")) + Long.parseLong(s.get("b")));
        }

        @Override
        public boolean verify(Task t, String response) {
            return lastNumberIs(response, t.answer());
        }

        @Override
        public String wrongAnswer(Task t, SplittableRandom rng) {
            return offByOne(t.answer(), rng);
        }
    }

    static final class Subtract extends PhrasedSkill {
        private final int digits;

        Subtract(int digits) {
            super("subtract", "Subtract the smaller whole number from the larger.", List.of("What is {a} - {b}?",
                    "Subtract {b} from {a}.", "Compute {a} minus {b}.", "How much is {a} take away {b}?"));
            this.digits = digits;
        }

        @Override
        Map<String, String> drawSlots(SplittableRandom rng) {
            long x = Long.parseLong(number(rng, digits)), y = Long.parseLong(number(rng, digits));
            return slots("a", Long.toString(Math.max(x, y)), "b", Long.toString(Math.min(x, y)));
        }

        @Override
        String answer(Map<String, String> s) {
            return Long.toString(Long.parseLong(s.get("a")) - Long.parseLong(s.get("b")));
        }

        @Override
        boolean valid(Map<String, String> s) {
            return Long.parseLong(s.get("a")) >= Long.parseLong(s.get("b"));
        }

        @Override
        public boolean verify(Task t, String response) {
            return lastNumberIs(response, t.answer());
        }

        @Override
        public String wrongAnswer(Task t, SplittableRandom rng) {
            return offByOne(t.answer(), rng);
        }
    }

    static final class Compare extends PhrasedSkill {
        private final int digits;

        Compare(int digits) {
            super("compare", "Name the larger of two different numbers.", List.of("Which is larger, {a} or {b}?",
                    "Name the bigger number: {a} or {b}.", "Between {a} and {b}, which is greater?"));
            this.digits = digits;
        }

        @Override
        Map<String, String> drawSlots(SplittableRandom rng) {
            String a = number(rng, digits), b;
            do {
                b = number(rng, digits);
            } while (b.equals(a));
            return slots("a", a, "b", b);
        }

        @Override
        boolean valid(Map<String, String> s) {
            return !s.get("a").equals(s.get("b"));
        }

        @Override
        String answer(Map<String, String> s) {
            return Long.toString(Math.max(Long.parseLong(s.get("a")), Long.parseLong(s.get("b"))));
        }

        @Override
        public boolean verify(Task t, String response) {
            return lastNumberIs(response, t.answer());
        }

        @Override
        public String wrongAnswer(Task t, SplittableRandom rng) {
            // The classic error: the smaller one.
            return t.operands().get(0).equals(t.answer()) ? t.operands().get(1) : t.operands().get(0);
        }
    }

    static final class ReverseWords extends PhrasedSkill {
        ReverseWords() {
            super("reverse-words", "Reverse the order of a few words.", List.of("Reverse the order of the words: {w}",
                    "Put these words in reverse order: {w}", "Write the words backwards, last word first: {w}"));
        }

        @Override
        Map<String, String> drawSlots(SplittableRandom rng) {
            return slots("w", words(rng, 3, 4));
        }

        @Override
        String answer(Map<String, String> s) {
            List<String> w = new ArrayList<>(Arrays.asList(s.get("w").split(" ")));
            java.util.Collections.reverse(w);
            return String.join(" ", w);
        }

        @Override
        public boolean verify(Task t, String response) {
            return lastLineIs(response, t.answer(), false);
        }

        @Override
        public String wrongAnswer(Task t, SplittableRandom rng) {
            List<String> w = new ArrayList<>(Arrays.asList(t.answer().split(" ")));
            java.util.Collections.swap(w, 0, 1 + rng.nextInt(w.size() - 1));
            return String.join(" ", w);
        }
    }

    static final class SortWords extends PhrasedSkill {
        SortWords() {
            super("sort-words", "Sort a few words alphabetically.", List.of("Sort these words alphabetically: {w}",
                    "Arrange in alphabetical order: {w}", "Alphabetize the words: {w}"));
        }

        @Override
        Map<String, String> drawSlots(SplittableRandom rng) {
            return slots("w", words(rng, 3, 4));
        }

        @Override
        String answer(Map<String, String> s) {
            return String.join(" ", Arrays.stream(s.get("w").split(" ")).sorted().toList());
        }

        @Override
        public boolean verify(Task t, String response) {
            return lastLineIs(response, t.answer(), false);
        }

        @Override
        public String wrongAnswer(Task t, SplittableRandom rng) {
            List<String> w = new ArrayList<>(Arrays.asList(t.answer().split(" ")));
            java.util.Collections.swap(w, w.size() - 1, rng.nextInt(w.size() - 1));
            return String.join(" ", w);
        }
    }

    static final class CountLetter extends PhrasedSkill {
        CountLetter() {
            super("count-letter", "Count how often a letter occurs in a word.", List.of(
                    "How many times does the letter {c} appear in {s}?", "Count the letter {c} in {s}.",
                    "In the word {s}, how often does {c} occur?"));
        }

        @Override
        Map<String, String> drawSlots(SplittableRandom rng) {
            // Two words glued together make counts above one common.
            String s = WORDS.get(rng.nextInt(WORDS.size())) + WORDS.get(rng.nextInt(WORDS.size()));
            char c = rng.nextInt(4) == 0 ? (char) ('a' + rng.nextInt(26)) : s.charAt(rng.nextInt(s.length()));
            return slots("c", Character.toString(c), "s", s);
        }

        @Override
        String answer(Map<String, String> s) {
            char c = s.get("c").charAt(0);
            return Long.toString(s.get("s").chars().filter(x -> x == c).count());
        }

        @Override
        public boolean verify(Task t, String response) {
            return lastNumberIs(response, t.answer());
        }

        @Override
        public String wrongAnswer(Task t, SplittableRandom rng) {
            long v = Long.parseLong(t.answer());
            return Long.toString(v == 0 ? 1 : v + (rng.nextBoolean() ? 1 : -1));
        }
    }

    static final class Uppercase extends PhrasedSkill {
        Uppercase() {
            super("uppercase", "Rewrite words in capital letters.", List.of("Write in upper case: {w}",
                    "Convert to capital letters: {w}", "Uppercase these words: {w}"));
        }

        @Override
        Map<String, String> drawSlots(SplittableRandom rng) {
            return slots("w", words(rng, 2, 3));
        }

        @Override
        String answer(Map<String, String> s) {
            return s.get("w").toUpperCase();
        }

        @Override
        public boolean verify(Task t, String response) {
            return lastLineIs(response, t.answer(), true);
        }

        @Override
        public String wrongAnswer(Task t, SplittableRandom rng) {
            String a = t.answer();
            int i = rng.nextInt(a.length());
            return a.substring(0, i) + a.substring(i).toLowerCase();
        }
    }

    /** Format following: the sum, as a JSON object with the key "answer". */
    static final class JsonSum extends PhrasedSkill {
        private final int digits;

        JsonSum(int digits) {
            super("json-sum", "Answer an addition as JSON with the key \"answer\".", List.of(
                    "Reply in JSON with the key \"answer\": what is {a} + {b}?",
                    "Give a JSON object {\"answer\": ...} for the sum of {a} and {b}."));
            this.digits = digits;
        }

        @Override
        Map<String, String> drawSlots(SplittableRandom rng) {
            return slots("a", number(rng, digits), "b", number(rng, digits));
        }

        @Override
        String answer(Map<String, String> s) {
            return "{\"answer\": " + (Long.parseLong(s.get("a")) + Long.parseLong(s.get("b"))) + "}";
        }

        @Override
        public boolean verify(Task t, String response) {
            int open = response.indexOf('{'), close = response.lastIndexOf('}');
            if (open < 0 || close < open) return false;
            try {
                JsonNode n = Json.MAPPER.readTree(response.substring(open, close + 1));
                JsonNode expected = Json.MAPPER.readTree(t.answer());
                return n.isObject() && n.path("answer").isIntegralNumber()
                        && n.get("answer").asLong() == expected.get("answer").asLong();
            } catch (java.io.IOException e) {
                return false;
            }
        }

        @Override
        public String wrongAnswer(Task t, SplittableRandom rng) {
            // The format error a teacher makes: the bare number.
            return t.answer().replaceAll("\\D+", "");
        }
    }
}
