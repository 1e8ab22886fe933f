/**
 * Answers shaped like a record: JSON schema from the record's components, repair of common damage, bounded re-asks
 * ({@link dev.distillery.generators.model.structured.StructuredOutput}).
 */
package dev.distillery.generators.model.structured;
