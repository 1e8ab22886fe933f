package dev.distillery.trainers.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Text to token ids and back, with the ids a Hugging Face {@code tokenizers} library would produce for the same
 * {@code tokenizer.json}. Training data is tokenized here (not with Jlama's tokenizer, which drops non-ASCII bytes)
 * and handed to the model as ids.
 *
 * <pre>{@code
 * Tokenizer tok = Tokenizer.load(modelDir);
 * int[] ids = tok.encode("<|im_start|>user\nHallo, Welt<|im_end|>");
 * String back = tok.decode(ids);
 * }</pre>
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface Tokenizer {

    /**
     * Token ids of {@code text}. Added tokens (specials such as {@code <|im_end|>}) are recognised in the text
     * itself; nothing is prepended or appended (no BOS, no EOS).
     */
    int[] encode(String text);

    /** The text of {@code ids}, special tokens included. Throws on an id outside the vocabulary. */
    default String decode(int[] ids) {
        return decode(ids, false);
    }

    /** The text of {@code ids}; with {@code skipSpecial} the special added tokens are left out. */
    String decode(int[] ids, boolean skipSpecial);

    /** The id of a token string (a vocab entry in its byte-level spelling, or an added token's content). */
    default int id(String token) {
        OptionalInt id = find(token);
        if (id.isEmpty()) throw new IllegalArgumentException("token '" + token + "' is not in the vocabulary");
        return id.getAsInt();
    }

    /** The id of a token string, or empty when it is not in the vocabulary. */
    OptionalInt find(String token);

    /** The token string of an id (byte-level spelling for vocab entries); throws on an unknown id. */
    String token(int id);

    /** One more than the largest id: the embedding rows a model needs for this tokenizer. */
    int size();

    /** Special added tokens by content (ChatML markers, {@code <|endoftext|>}, reserved padding tokens). */
    Map<String, Integer> specialTokens();

    /** Whether {@code id} is a special added token. */
    boolean isSpecial(int id);

    /** Loads {@code tokenizer.json} from a model directory (or the file itself). */
    static Tokenizer load(Path dirOrFile) throws IOException {
        return ByteLevelBpeTokenizer.load(dirOrFile);
    }
}
