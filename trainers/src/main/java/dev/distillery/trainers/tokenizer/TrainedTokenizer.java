package dev.distillery.trainers.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of {@link ByteLevelBpeTrainer#train}: the model vocabulary, the merges and the added tokens, ready to be
 * written as Hugging Face {@code tokenizer.json} + {@code tokenizer_config.json} or used directly.
 *
 * <pre>{@code trained.write(dir); Tokenizer tok = trained.tokenizer();}</pre>
 *
 * @param vocab   model vocabulary in byte-level spelling; the index is the id
 * @param merges  learned merges in rank order, as (left, right)
 * @param added   added tokens (specials, then reserved padding), ids following the vocabulary
 * @param options the options the vocabulary was trained with (they carry the tokenizer_config.json fields)
 */
public record TrainedTokenizer(List<String> vocab, List<String[]> merges, List<String> added,
                               ByteLevelBpeTrainer.Options options) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TrainedTokenizer {
        vocab = List.copyOf(vocab);
        merges = List.copyOf(merges);
        added = List.copyOf(added);
    }

    static TrainedTokenizer of(List<String> vocab, List<String[]> merges, ByteLevelBpeTrainer.Options options) {
        List<String> added = new ArrayList<>(options.specialTokens());
        int size = vocab.size() + added.size();
        if (options.padTo() > 0 && options.padTo() < size) {
            throw new IllegalArgumentException("padTo " + options.padTo() + " is smaller than the trained vocabulary ("
                    + vocab.size() + " tokens + " + added.size() + " specials = " + size + ")");
        }
        for (int n = 0; size < options.padTo(); n++, size++) {
            String reserved = "<|reserved_" + n + "|>";
            if (!options.specialTokens().contains(reserved)) added.add(reserved);
            else size--;
        }
        return new TrainedTokenizer(vocab, merges, added, options);
    }

    /** All ids: vocabulary plus added tokens. */
    public int size() {
        return vocab.size() + added.size();
    }

    /** The id of an added token (special or reserved). */
    public int addedId(String content) {
        int i = added.indexOf(content);
        if (i < 0) throw new IllegalArgumentException("'" + content + "' is not an added token");
        return vocab.size() + i;
    }

    /** A tokenizer over this vocabulary, identical to loading the written {@code tokenizer.json}. */
    public ByteLevelBpeTokenizer tokenizer() {
        return ByteLevelBpeTokenizer.fromJson(tokenizerJson());
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created if missing). */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizerJson());
        JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), tokenizerConfigJson());
    }

    /** The Hugging Face {@code tokenizer.json} document (Llama-3 / Qwen2 layout). */
    public ObjectNode tokenizerJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode addedTokens = root.putArray("added_tokens");
        for (int i = 0; i < added.size(); i++) {
            ObjectNode t = addedTokens.addObject();
            t.put("id", vocab.size() + i);
            t.put("content", added.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        ObjectNode split = steps.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", options.splitRegex());
        split.put("behavior", "Isolated");
        split.put("invert", false);
        // The regex already split the text; ByteLevel only maps bytes to its alphabet (Jlama needs this Sequence
        // shape to switch to byte-level mode, jlama-notes §5.2).
        steps.add(byteLevel(false));
        root.putNull("post_processor");
        root.set("decoder", byteLevel(true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode v = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) v.put(vocab.get(i), i);
        ArrayNode m = model.putArray("merges");
        for (String[] pair : merges) m.add(pair[0] + " " + pair[1]);
        return root;
    }

    private ObjectNode byteLevel(boolean decoder) {
        ObjectNode b = JSON.createObjectNode();
        b.put("type", "ByteLevel");
        b.put("add_prefix_space", false);
        b.put("trim_offsets", !decoder);
        b.put("use_regex", false);
        return b;
    }

    /** The Hugging Face {@code tokenizer_config.json}: chat template and the special token strings. */
    public ObjectNode tokenizerConfigJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("add_bos_token", false);
        root.put("add_eos_token", false);
        ObjectNode decoder = root.putObject("added_tokens_decoder");
        for (int i = 0; i < added.size(); i++) {
            ObjectNode t = decoder.putObject(Integer.toString(vocab.size() + i));
            t.put("content", added.get(i));
            t.put("lstrip", false);
            t.put("normalized", false);
            t.put("rstrip", false);
            t.put("single_word", false);
            t.put("special", true);
        }
        putNullable(root, "bos_token", options.bosToken());
        if (options.chatTemplate() != null) root.put("chat_template", options.chatTemplate());
        root.put("clean_up_tokenization_spaces", false);
        putNullable(root, "eos_token", options.eosToken());
        root.put("errors", "replace");
        // No "legacy" field on purpose. Transformers ignores it for PreTrainedTokenizerFast, but Jlama 0.8.4 reads it
        // as its byte-level switch: an explicit false turns byte-level mode off (measured: spaces dropped, words
        // spelled letter by letter), while absent lets Jlama infer it from the Sequence[Split, ByteLevel] shape.
        root.put("model_max_length", options.modelMaxLength());
        putNullable(root, "pad_token", options.padToken());
        root.put("split_special_tokens", false);
        root.put("tokenizer_class", "PreTrainedTokenizerFast");
        root.putNull("unk_token");
        return root;
    }

    private static void putNullable(ObjectNode node, String field, String value) {
        if (value == null) node.putNull(field);
        else node.put(field, value);
    }
}
