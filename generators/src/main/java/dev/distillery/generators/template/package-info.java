/**
 * Prompt templates: Jinja files on the class path under {@code dev/distillery/generators/templates/<flow>/}, which a
 * directory of the same layout overrides file by file. Rendering is strict, and every template is test-rendered
 * before a run so that a missing file or variable fails before any model call.
 */
package dev.distillery.generators.template;
