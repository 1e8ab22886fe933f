/** Juries: several judges asked about one answer, their scores aggregated with the agreement reported. */
package dev.distillery.judges.jury;
