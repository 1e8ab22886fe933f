package dev.distillery.trainers.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte-level BPE tokenizer read from a Hugging Face {@code tokenizer.json} (GPT-2, Llama-3, Qwen2 and the files
 * {@link ByteLevelBpeTrainer} writes). It reproduces the Hugging Face pipeline step by step: added tokens are cut out
 * of the raw text first (leftmost, longest first), the rest is normalised (NFC/NFKC/NFD/NFKD or none), split by the
 * pre-tokenizer regexes, written in the {@link ByteLevel} alphabet and merged by rank. Non-ASCII text therefore gets
 * its exact UTF-8 byte tokens, unlike Jlama's tokenizer.
 *
 * <pre>{@code Tokenizer tok = ByteLevelBpeTokenizer.load(Path.of("model/tokenizer.json"));}</pre>
 *
 * <p>Accepted pre-tokenizers: {@code Sequence[Split(regex, Isolated|Removed), ..., ByteLevel]} and a top-level
 * {@code ByteLevel} (with its GPT-2 regex when {@code use_regex} is true). Anything else (Metaspace, WordPiece,
 * byte fallback) is refused at load time rather than tokenized differently from Hugging Face.
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {

    /** One added token as {@code added_tokens} describes it. */
    record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean singleWord) {
    }

    /** One pre-tokenizer step: a regex split, or the byte-level mapping (with its own optional regex). */
    sealed interface Step permits SplitStep, ByteLevelStep {
    }

    record SplitStep(Pattern pattern, boolean removeMatches) implements Step {
    }

    record ByteLevelStep(boolean addPrefixSpace, Pattern regex) implements Step {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CACHE_LIMIT = 100_000;

    private final Map<String, Integer> ids;
    private final String[] tokens;
    private final boolean[] special;
    private final Map<String, Integer> specials;
    /** Pair key {@code (left << 32) | right} to {@code (rank << 32) | mergedId}. */
    private final Map<Long, Long> merges;
    private final List<Step> steps;
    private final Normalizer.Form normalization;
    private final boolean ignoreMerges;
    private final int unkId;
    private final AddedTokenMatcher added;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    ByteLevelBpeTokenizer(Map<String, Integer> vocab, List<String[]> mergeList, List<AddedToken> addedTokens,
                          List<Step> steps, Normalizer.Form normalization, boolean ignoreMerges, String unkToken) {
        Map<String, Integer> all = new HashMap<>(vocab);
        for (AddedToken t : addedTokens) all.put(t.content(), t.id());
        int size = all.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        this.tokens = new String[size];
        vocab.forEach((tok, id) -> tokens[id] = tok);
        this.special = new boolean[size];
        Map<String, Integer> sp = new LinkedHashMap<>();
        for (AddedToken t : addedTokens) {
            tokens[t.id()] = t.content();
            if (t.special()) {
                special[t.id()] = true;
                sp.put(t.content(), t.id());
            }
        }
        this.ids = Map.copyOf(all);
        this.specials = Collections.unmodifiableMap(sp);
        this.merges = new HashMap<>(mergeList.size() * 2);
        for (int rank = 0; rank < mergeList.size(); rank++) {
            String[] m = mergeList.get(rank);
            Integer a = vocab.get(m[0]);
            Integer b = vocab.get(m[1]);
            Integer ab = vocab.get(m[0] + m[1]);
            if (a == null || b == null || ab == null) {
                throw new IllegalArgumentException("merge " + rank + " '" + m[0] + " " + m[1]
                        + "' uses a token that is not in the vocab");
            }
            // The first occurrence of a pair wins, as in Hugging Face (later duplicates can never fire).
            merges.putIfAbsent(pairKey(a, b), ((long) rank << 32) | ab);
        }
        this.steps = List.copyOf(steps);
        if (steps.stream().noneMatch(s -> s instanceof ByteLevelStep)) {
            throw new IllegalArgumentException("not a byte-level tokenizer: the pre-tokenizer has no ByteLevel step");
        }
        this.normalization = normalization;
        this.ignoreMerges = ignoreMerges;
        this.unkId = unkToken == null ? -1 : vocab.getOrDefault(unkToken, -1);
        this.added = new AddedTokenMatcher(addedTokens);
    }

    /** Reads {@code tokenizer.json} from a directory, or the given file. */
    public static ByteLevelBpeTokenizer load(Path dirOrFile) throws IOException {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("tokenizer.json") : dirOrFile;
        if (!Files.isRegularFile(file)) throw new IOException("no tokenizer.json at " + file);
        try {
            return fromJson(JSON.readTree(file.toFile()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Builds a tokenizer from a parsed {@code tokenizer.json}. */
    public static ByteLevelBpeTokenizer fromJson(JsonNode root) {
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText("BPE"))) {
            throw new IllegalArgumentException("model.type is " + model.path("type").asText() + ", expected BPE");
        }
        if (model.path("byte_fallback").asBoolean(false)) {
            throw new IllegalArgumentException("byte_fallback (SentencePiece style) is not a byte-level BPE tokenizer");
        }
        if (!model.path("continuing_subword_prefix").isMissingNode() && !model.path("continuing_subword_prefix").isNull()
                || !model.path("end_of_word_suffix").isMissingNode() && !model.path("end_of_word_suffix").isNull()) {
            throw new IllegalArgumentException("continuing_subword_prefix / end_of_word_suffix are not supported");
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (var e : model.path("vocab").properties()) vocab.put(e.getKey(), e.getValue().asInt());
        List<String[]> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            if (m.isArray()) {
                merges.add(new String[]{m.get(0).asText(), m.get(1).asText()});
            } else {
                // Byte-level tokens never contain a real space (it is spelled 'Ġ'), so one space separates the pair.
                String s = m.asText();
                int sp = s.indexOf(' ');
                if (sp < 0 || s.indexOf(' ', sp + 1) >= 0) {
                    throw new IllegalArgumentException("merge '" + s + "' is not of the form 'a b'");
                }
                merges.add(new String[]{s.substring(0, sp), s.substring(sp + 1)});
            }
        }
        List<AddedToken> added = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            added.add(new AddedToken(t.path("id").asInt(), t.path("content").asText(), t.path("special").asBoolean(false),
                    t.path("lstrip").asBoolean(false), t.path("rstrip").asBoolean(false),
                    t.path("single_word").asBoolean(false)));
        }
        List<Step> steps = new ArrayList<>();
        readPreTokenizer(root.path("pre_tokenizer"), steps);
        String unk = model.path("unk_token").isTextual() ? model.path("unk_token").asText() : null;
        return new ByteLevelBpeTokenizer(vocab, merges, added, steps, readNormalizer(root.path("normalizer")),
                model.path("ignore_merges").asBoolean(false), unk);
    }

    private static void readPreTokenizer(JsonNode node, List<Step> steps) {
        if (node.isMissingNode() || node.isNull()) return;
        String type = node.path("type").asText();
        switch (type) {
            case "Sequence" -> {
                for (JsonNode p : node.path("pretokenizers")) readPreTokenizer(p, steps);
            }
            case "Split" -> {
                String behavior = node.path("behavior").asText("Isolated");
                if (node.path("invert").asBoolean(false) || !(behavior.equals("Isolated") || behavior.equals("Removed"))) {
                    throw new IllegalArgumentException("Split behavior " + behavior + (node.path("invert").asBoolean()
                            ? " inverted" : "") + " is not supported (only Isolated and Removed)");
                }
                JsonNode pattern = node.path("pattern");
                String regex = pattern.has("Regex") ? pattern.get("Regex").asText()
                        : Pattern.quote(pattern.path("String").asText());
                steps.add(new SplitStep(ByteLevel.compile(regex), behavior.equals("Removed")));
            }
            case "ByteLevel" -> steps.add(new ByteLevelStep(node.path("add_prefix_space").asBoolean(false),
                    node.path("use_regex").asBoolean(true) ? ByteLevel.compile(ByteLevel.GPT2_SPLIT) : null));
            default -> throw new IllegalArgumentException("pre-tokenizer " + type + " is not supported by the "
                    + "byte-level BPE tokenizer");
        }
    }

    private static Normalizer.Form readNormalizer(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) return null;
        String type = node.path("type").asText();
        if (type.equals("Sequence") && node.path("normalizers").isEmpty()) return null;
        return switch (type) {
            case "NFC" -> Normalizer.Form.NFC;
            case "NFKC" -> Normalizer.Form.NFKC;
            case "NFD" -> Normalizer.Form.NFD;
            case "NFKD" -> Normalizer.Form.NFKD;
            default -> throw new IllegalArgumentException("normalizer " + type + " is not supported");
        };
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList(Math.max(16, text.length() / 3));
        int start = 0;
        int pos = 0;
        while (pos < text.length()) {
            AddedToken m = added.longestAt(text, pos);
            if (m == null) {
                pos++;
                continue;
            }
            int segEnd = pos;
            if (m.lstrip()) while (segEnd > start && Character.isWhitespace(text.charAt(segEnd - 1))) segEnd--;
            encodeSegment(text.substring(start, segEnd), out);
            out.add(m.id());
            pos += m.content().length();
            if (m.rstrip()) while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
            start = pos;
        }
        encodeSegment(text.substring(start), out);
        return out.toArray();
    }

    private void encodeSegment(String segment, IntList out) {
        if (segment.isEmpty()) return;
        if (normalization != null) segment = Normalizer.normalize(segment, normalization);
        List<String> pieces = List.of(segment);
        for (Step step : steps) {
            List<String> next = new ArrayList<>();
            for (String piece : pieces) {
                switch (step) {
                    case SplitStep s -> split(piece, s.pattern(), s.removeMatches(), next);
                    case ByteLevelStep b -> {
                        // Hugging Face prepends the space per piece, i.e. after the earlier splits.
                        String p = b.addPrefixSpace() && !piece.startsWith(" ") ? " " + piece : piece;
                        List<String> sub = new ArrayList<>();
                        if (b.regex() != null) split(p, b.regex(), false, sub);
                        else sub.add(p);
                        for (String s : sub) next.add(ByteLevel.encode(s));
                    }
                }
            }
            pieces = next;
        }
        for (String word : pieces) out.addAll(bpe(word));
    }

    private static void split(String text, Pattern pattern, boolean removeMatches, List<String> out) {
        Matcher m = pattern.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.end() == m.start()) continue;
            if (m.start() > last) out.add(text.substring(last, m.start()));
            if (!removeMatches) out.add(m.group());
            last = m.end();
        }
        if (last < text.length()) out.add(text.substring(last));
    }

    /**
     * Merges one pre-tokenized word. Like Hugging Face, the pair with the lowest rank (leftmost on ties) is merged
     * one occurrence at a time; for a well-formed merge list this equals GPT-2's "merge all occurrences" loop, and
     * for an odd one it still agrees with Hugging Face.
     */
    private int[] bpe(String word) {
        if (ignoreMerges) {
            Integer whole = ids.get(word);
            if (whole != null && !specials.containsKey(word)) return new int[]{whole};
        }
        int[] cached = cache.get(word);
        if (cached != null) return cached;
        int[] sym = new int[word.length()];
        int n = 0;
        for (int i = 0; i < word.length(); i++) {
            Integer id = ids.get(String.valueOf(word.charAt(i)));
            if (id != null) sym[n++] = id;
            else if (unkId >= 0) sym[n++] = unkId; // without an unk token Hugging Face drops the character
        }
        while (n > 1) {
            long best = Long.MAX_VALUE;
            int at = -1;
            for (int i = 0; i + 1 < n; i++) {
                Long r = merges.get(pairKey(sym[i], sym[i + 1]));
                if (r != null && r < best) {
                    best = r;
                    at = i;
                }
            }
            if (at < 0) break;
            sym[at] = (int) best;
            System.arraycopy(sym, at + 2, sym, at + 1, n - at - 2);
            n--;
        }
        int[] result = Arrays.copyOf(sym, n);
        if (cache.size() >= CACHE_LIMIT) cache.clear();
        cache.put(word, result);
        return result;
    }

    @Override
    public String decode(int[] ids, boolean skipSpecial) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            if (skipSpecial && id >= 0 && id < special.length && special[id]) continue;
            ByteLevel.appendBytes(token(id), bytes);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public OptionalInt find(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public String token(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (size " + tokens.length + ")");
        }
        return tokens[id];
    }

    @Override
    public int size() {
        return tokens.length;
    }

    @Override
    public Map<String, Integer> specialTokens() {
        return specials;
    }

    @Override
    public boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    private static long pairKey(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    /** Leftmost-longest matching of added tokens with a character trie. */
    private static final class AddedTokenMatcher {
        private static final class Node {
            final Map<Character, Node> next = new HashMap<>(4);
            AddedToken token;
        }

        private final Node root = new Node();

        AddedTokenMatcher(List<AddedToken> tokens) {
            for (AddedToken t : tokens) {
                if (t.content().isEmpty()) continue;
                Node n = root;
                for (int i = 0; i < t.content().length(); i++) n = n.next.computeIfAbsent(t.content().charAt(i), c -> new Node());
                n.token = t;
            }
        }

        AddedToken longestAt(String text, int pos) {
            Node n = root;
            AddedToken best = null;
            for (int i = pos; i < text.length(); i++) {
                n = n.next.get(text.charAt(i));
                if (n == null) break;
                if (n.token != null && (!n.token.singleWord() || isWordBoundary(text, pos, i + 1))) best = n.token;
            }
            return best;
        }

        private static boolean isWordBoundary(String text, int start, int end) {
            return (start == 0 || !isWordChar(text.charAt(start - 1))) && (end == text.length() || !isWordChar(text.charAt(end)));
        }

        private static boolean isWordChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_';
        }
    }

    /** A growable int array: token lists are long and boxing them would dominate encoding time. */
    static final class IntList {
        private int[] a;
        private int n;

        IntList(int capacity) {
            a = new int[capacity];
        }

        void add(int v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2 + 1);
            a[n++] = v;
        }

        void addAll(int[] vs) {
            if (n + vs.length > a.length) a = Arrays.copyOf(a, Math.max(n + vs.length, n * 2));
            System.arraycopy(vs, 0, a, n, vs.length);
            n += vs.length;
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
