package dev.distillery.trainers.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The GPT-2 byte-level alphabet: every byte 0..255 maps to one printable Unicode character, so a BPE vocabulary over
 * these characters covers any UTF-8 text without an unknown token.
 *
 * <p>Printable bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) map to themselves; the others (control characters,
 * space, soft hyphen...) map to U+0100 upward in byte order. This is the table Hugging Face's {@code ByteLevel}
 * pre-tokenizer and decoder use, so the vocab strings we write are read the same way there.
 *
 * <pre>{@code String word = ByteLevel.encode(" héllo");   // "Ġh\u00c3\u00a9llo"}</pre>
 */
public final class ByteLevel {

    /**
     * The Llama-3 pre-tokenisation regex (Java syntax; with {@link Pattern#UNICODE_CHARACTER_CLASS} so that
     * {@code \s} is Unicode whitespace as in the Oniguruma engine Hugging Face uses). Digits split in runs of up to 3.
     */
    public static final String LLAMA3_SPLIT =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** The Qwen2 variant of {@link #LLAMA3_SPLIT}: every digit is its own piece. */
    public static final String QWEN2_SPLIT =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** The regex GPT-2 and a top-level {@code ByteLevel} pre-tokenizer with {@code use_regex: true} apply. */
    public static final String GPT2_SPLIT =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Indexed by char; -1 where the char is not in the alphabet. All alphabet chars are below U+0144. */
    private static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    /** Compiles a split regex the way the Hugging Face engine interprets it (Unicode {@code \s}, {@code \w}). */
    public static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    /** The alphabet character of one byte. */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte an alphabet character stands for, or -1 when {@code c} is not in the alphabet. */
    public static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The UTF-8 bytes of {@code text}, each written as its alphabet character. */
    public static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(out);
    }

    /**
     * Appends the bytes a token stands for. A token with a character outside the alphabet (an added token such as
     * {@code <|im_end|>} is plain ASCII, so this only concerns exotic added tokens) contributes its own UTF-8
     * bytes, as the Hugging Face {@code ByteLevel} decoder does.
     */
    static void appendBytes(String token, ByteArrayOutputStream out) {
        byte[] mapped = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            int b = byteOf(token.charAt(i));
            if (b < 0) {
                out.writeBytes(token.getBytes(StandardCharsets.UTF_8));
                return;
            }
            mapped[i] = (byte) b;
        }
        out.writeBytes(mapped);
    }
}
