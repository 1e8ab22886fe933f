package dev.distillery.judges.llm;

/**
 * What a verdict parser made of a model's output: a value, or the reason it found none. Parsers never guess a
 * default; the caller turns an {@link Unparsed} into a recorded failure.
 *
 * <pre>{@code
 * switch (VerdictParsers.rating(raw, 1, 10)) {
 *     case ParseResult.Parsed<Double> p -> use(p.value());
 *     case ParseResult.Unparsed<Double> u -> fail(u.reason());
 * }
 * }</pre>
 */
public sealed interface ParseResult<T> permits ParseResult.Parsed, ParseResult.Unparsed {

    record Parsed<T>(T value) implements ParseResult<T> {
    }

    record Unparsed<T>(String reason) implements ParseResult<T> {
    }

    static <T> ParseResult<T> parsed(T value) {
        return new Parsed<>(value);
    }

    static <T> ParseResult<T> unparsed(String reason) {
        return new Unparsed<>(reason);
    }
}
