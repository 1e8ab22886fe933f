package dev.distillery.trainers.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Learns a byte-level BPE vocabulary (GPT-2 / Llama-3 style) from a text corpus.
 *
 * <pre>{@code
 * TrainedTokenizer t = new ByteLevelBpeTrainer(ByteLevelBpeTrainer.Options.chatMl(4096).withPadTo(4352)).train(texts);
 * t.write(modelDir);   // tokenizer.json + tokenizer_config.json
 * }</pre>
 *
 * <p>Ids: 0..255 are the bytes in byte order (id = byte value), then one id per learned merge in the order learned,
 * then the special tokens in the order given, then {@code <|reserved_N|>} padding up to {@link Options#padTo()}.
 * Fixing the bytes at their own values keeps the smallest vocabularies readable and identical across corpora.
 *
 * <p>Training: each text is split around the special tokens (so no merge is spent on pieces of {@code <|im_end|>}),
 * pre-tokenised with the split regex, written in the {@link ByteLevel} alphabet and counted as words. Then, until the
 * vocabulary reaches {@link Options#vocabSize()}, the most frequent adjacent pair is merged everywhere. Ties go to
 * the pair with the smaller left id, then the smaller right id, so the result depends on the corpus content only
 * (not on hash or input order). Training stops early when no pair occurs {@link Options#minFrequency()} times.
 */
public final class ByteLevelBpeTrainer {

    /**
     * @param vocabSize      bytes plus merges: 256 means no merges; the special tokens come on top
     * @param minFrequency   a pair must occur at least this often (weighted by word counts) to be merged
     * @param bytesOnly      learn no merges at all (a 256-token byte vocabulary plus specials)
     * @param specialTokens  added tokens flagged special, e.g. the ChatML markers
     * @param padTo          total vocabulary size to pad to with {@code <|reserved_N|>} specials (0: no padding);
     *                       a model's {@code vocab_size} usually rounds up, and Jlama needs a token for every id
     * @param splitRegex     the pre-tokenisation regex ({@link ByteLevel#LLAMA3_SPLIT} by default)
     * @param bosToken       {@code bos_token} for tokenizer_config.json (may be null)
     * @param eosToken       {@code eos_token}: ends a generated turn, appended to plain-text examples
     * @param padToken       {@code pad_token}
     * @param modelMaxLength {@code model_max_length}
     * @param chatTemplate   the Jinja chat template (null: none written)
     */
    public record Options(int vocabSize, int minFrequency, boolean bytesOnly, List<String> specialTokens, int padTo,
                          String splitRegex, String bosToken, String eosToken, String padToken, int modelMaxLength,
                          String chatTemplate) {

        public static final String IM_START = "<|im_start|>";
        public static final String IM_END = "<|im_end|>";
        public static final String END_OF_TEXT = "<|endoftext|>";

        public Options {
            specialTokens = List.copyOf(specialTokens);
            Objects.requireNonNull(splitRegex, "splitRegex");
            if (!bytesOnly && vocabSize < 256) {
                throw new IllegalArgumentException("vocabSize " + vocabSize + " is below the 256 byte tokens");
            }
            if (minFrequency < 1) throw new IllegalArgumentException("minFrequency must be at least 1");
            if (padTo < 0) throw new IllegalArgumentException("padTo must be 0 (none) or a vocabulary size");
            for (String t : new String[]{bosToken, eosToken, padToken}) {
                if (t != null && !specialTokens.contains(t)) {
                    throw new IllegalArgumentException("'" + t + "' is used as bos/eos/pad but is not a special token");
                }
            }
        }

        /**
         * ChatML defaults as in Qwen2.5-Instruct: specials {@code <|endoftext|>, <|im_start|>, <|im_end|>}, eos
         * {@code <|im_end|>} (generation stops at the end of a turn), pad and bos {@code <|endoftext|>}, minimum pair
         * frequency 2, Llama-3 split regex, the ChatML template, 4096 max length, no padding.
         */
        public static Options chatMl(int vocabSize) {
            return new Options(vocabSize, 2, false, List.of(END_OF_TEXT, IM_START, IM_END), 0, ByteLevel.LLAMA3_SPLIT,
                    END_OF_TEXT, IM_END, END_OF_TEXT, 4096, ChatTemplate.CHATML);
        }

        public Options withPadTo(int size) {
            return new Options(vocabSize, minFrequency, bytesOnly, specialTokens, size, splitRegex, bosToken, eosToken,
                    padToken, modelMaxLength, chatTemplate);
        }

        public Options withBytesOnly() {
            return new Options(256, minFrequency, true, specialTokens, padTo, splitRegex, bosToken, eosToken, padToken,
                    modelMaxLength, chatTemplate);
        }

        public Options withMinFrequency(int min) {
            return new Options(vocabSize, min, bytesOnly, specialTokens, padTo, splitRegex, bosToken, eosToken, padToken,
                    modelMaxLength, chatTemplate);
        }

        public Options withSplitRegex(String regex) {
            return new Options(vocabSize, minFrequency, bytesOnly, specialTokens, padTo, regex, bosToken, eosToken,
                    padToken, modelMaxLength, chatTemplate);
        }

        public Options withModelMaxLength(int length) {
            return new Options(vocabSize, minFrequency, bytesOnly, specialTokens, padTo, splitRegex, bosToken, eosToken,
                    padToken, length, chatTemplate);
        }
    }

    /** A candidate merge in the queue; {@code count} may be stale (see {@link #train}). */
    private record Candidate(long count, int left, int right) {
    }

    private static final Comparator<Candidate> BEST_FIRST = Comparator.comparingLong(Candidate::count).reversed()
            .thenComparingInt(Candidate::left).thenComparingInt(Candidate::right);

    private final Options options;

    public ByteLevelBpeTrainer(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Learns merges from {@code corpus} (any iterable of documents; it is read once). */
    public TrainedTokenizer train(Iterable<String> corpus) {
        List<String> tokens = new ArrayList<>(options.vocabSize());
        for (int b = 0; b < 256; b++) tokens.add(String.valueOf(ByteLevel.charOf(b)));
        List<String[]> merges = new ArrayList<>();
        if (!options.bytesOnly() && options.vocabSize() > 256) learnMerges(countWords(corpus), tokens, merges);
        return TrainedTokenizer.of(tokens, merges, options);
    }

    /** Word (in the byte alphabet) to occurrence count, sorted so that word indices do not depend on hashing. */
    private TreeMap<String, Long> countWords(Iterable<String> corpus) {
        Pattern split = ByteLevel.compile(options.splitRegex());
        Pattern specials = options.specialTokens().isEmpty() ? null : Pattern.compile(String.join("|",
                options.specialTokens().stream().sorted(Comparator.comparingInt(String::length).reversed())
                        .map(Pattern::quote).toList()));
        Map<String, Long> counts = new HashMap<>();
        for (String text : corpus) {
            for (String segment : specials == null ? new String[]{text} : specials.split(text)) {
                var m = split.matcher(segment);
                int last = 0;
                while (m.find()) {
                    if (m.start() > last) counts.merge(ByteLevel.encode(segment.substring(last, m.start())), 1L, Long::sum);
                    if (m.end() > m.start()) counts.merge(ByteLevel.encode(m.group()), 1L, Long::sum);
                    last = m.end();
                }
                if (last < segment.length()) counts.merge(ByteLevel.encode(segment.substring(last)), 1L, Long::sum);
            }
        }
        return new TreeMap<>(counts);
    }

    /**
     * Greedy BPE with incremental pair counts: each merge touches only the words that contain the pair. The queue
     * holds possibly stale counts; a popped candidate whose count dropped is re-queued with the current count, one
     * whose count is already re-queued higher is dropped, so the first fresh candidate is the true maximum.
     */
    private void learnMerges(TreeMap<String, Long> wordCounts, List<String> tokens, List<String[]> merges) {
        int words = wordCounts.size();
        int[][] symbols = new int[words][];
        long[] freq = new long[words];
        Map<String, Integer> idOf = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) idOf.put(tokens.get(i), i);
        Map<Long, Long> pairCount = new HashMap<>();
        Map<Long, ByteLevelBpeTokenizer.IntList> where = new HashMap<>();
        int w = 0;
        for (var e : wordCounts.entrySet()) {
            String word = e.getKey();
            int[] s = new int[word.length()];
            for (int i = 0; i < s.length; i++) s[i] = ByteLevel.byteOf(word.charAt(i));
            symbols[w] = s;
            freq[w] = e.getValue();
            for (int i = 0; i + 1 < s.length; i++) {
                long key = key(s[i], s[i + 1]);
                pairCount.merge(key, freq[w], Long::sum);
                where.computeIfAbsent(key, k -> new ByteLevelBpeTokenizer.IntList(4)).add(w);
            }
            w++;
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>(Math.max(1, pairCount.size()), BEST_FIRST);
        pairCount.forEach((k, c) -> queue.add(new Candidate(c, (int) (k >>> 32), (int) (long) k)));
        int[] seen = new int[words];
        int stamp = 0;
        while (tokens.size() < options.vocabSize() && !queue.isEmpty()) {
            Candidate top = queue.poll();
            long key = key(top.left(), top.right());
            long current = pairCount.getOrDefault(key, 0L);
            if (current != top.count()) {
                if (current > 0 && current < top.count()) queue.add(new Candidate(current, top.left(), top.right()));
                continue;
            }
            if (current < options.minFrequency()) break;
            String merged = tokens.get(top.left()) + tokens.get(top.right());
            merges.add(new String[]{tokens.get(top.left()), tokens.get(top.right())});
            // Two merge paths can spell the same string ("ab"+"c", "a"+"bc"): both merges map to one token.
            Integer existing = idOf.get(merged);
            int newId = existing != null ? existing : tokens.size();
            if (existing == null) {
                tokens.add(merged);
                idOf.put(merged, newId);
            }
            pairCount.remove(key);
            ByteLevelBpeTokenizer.IntList list = where.remove(key);
            stamp++;
            Map<Long, Long> delta = new HashMap<>();
            for (int wi : list.toArray()) {
                if (seen[wi] == stamp) continue;
                seen[wi] = stamp;
                int[] old = symbols[wi];
                int[] now = mergePair(old, top.left(), top.right(), newId);
                if (now == old) continue;
                symbols[wi] = now;
                delta.clear();
                for (int i = 0; i + 1 < old.length; i++) delta.merge(key(old[i], old[i + 1]), -freq[wi], Long::sum);
                for (int i = 0; i + 1 < now.length; i++) delta.merge(key(now[i], now[i + 1]), freq[wi], Long::sum);
                for (var d : delta.entrySet()) {
                    long k = d.getKey();
                    long change = d.getValue();
                    if (change == 0 || k == key) continue;
                    long c = pairCount.merge(k, change, Long::sum);
                    if (c <= 0) pairCount.remove(k);
                    if (change > 0) {
                        where.computeIfAbsent(k, x -> new ByteLevelBpeTokenizer.IntList(4)).add(wi);
                        queue.add(new Candidate(c, (int) (k >>> 32), (int) k));
                    }
                }
            }
        }
    }

    /** {@code s} with every non-overlapping (left, right) pair, scanned left to right, replaced by {@code id}. */
    private static int[] mergePair(int[] s, int left, int right, int id) {
        int[] out = null;
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                if (out == null) {
                    out = new int[s.length - 1];
                    System.arraycopy(s, 0, out, 0, i);
                    n = i;
                }
                out[n++] = id;
                i++;
            } else if (out != null) {
                out[n++] = s[i];
            }
        }
        return out == null ? s : java.util.Arrays.copyOf(out, n);
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }
}
