package dev.distillery.judges.spi;

/**
 * One setting a judge provider accepts, as listed by {@code distillery plugins}.
 *
 * @param name         as written in a judge config, e.g. {@code tolerance}
 * @param description  one line
 * @param defaultValue as text; null when the setting is required
 */
public record JudgeParameter(String name, String description, String defaultValue) {
}
