package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.ServiceLoader;

import static dev.distillery.datasets.format.Examples.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FormatsTest {

    @Test
    void builtInsAreRegisteredAsServices() {
        List<String> viaServiceLoader = ServiceLoader.load(RecordFormat.class).stream()
                .map(p -> p.get().name()).toList();
        assertEquals(Formats.all().stream().map(RecordFormat::name).toList(), viaServiceLoader);
        assertEquals(11, viaServiceLoader.size());
        for (RecordFormat f : Formats.all()) {
            assertFalse(f.description().isBlank(), f.name());
            assertFalse(f.description().contains("\n"), f.name());
            assertEquals(f, Formats.byName(f.name()));
        }
    }

    @Test
    void unknownNamesSuggestTheClosestAndListAll() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Formats.byName("trl-dpoo"));
        assertTrue(e.getMessage().startsWith("unknown format 'trl-dpoo'; did you mean 'trl-dpo'?"), e.getMessage());
        assertTrue(e.getMessage().contains("Known formats: distillery, trl-text, trl-messages"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Formats.byName("ShareGPT"));
        assertTrue(e.getMessage().contains("did you mean 'sharegpt'?"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Formats.byName("parquet-columns"));
        assertFalse(e.getMessage().contains("did you mean"), e.getMessage());
    }

    @Test
    void undetectableRowsShowTheirKeysAndTheKnownFormats() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Formats.detect(List.of(row("{'question':'q','answer':'a'}"))));
        assertTrue(e.getMessage().contains("[question, answer]"), e.getMessage());
        assertTrue(e.getMessage().contains("sharegpt: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Formats.detect(List.of()));
    }

    @Test
    void detectionPrefersTheFormatThatFitsMostRows() {
        // H4 rows have messages too, but chosen/rejected make them preference rows.
        ObjectNode h4 = Examples.ALL.get(12).row();
        assertEquals("trl-dpo", Formats.detect(List.of(h4)).name());
        // A row trl-dpo fits alone does not outvote two rows only trl-messages fits.
        ObjectNode chat = row("{'messages':[{'role':'user','content':'q'}]}");
        assertEquals("trl-messages", Formats.detect(List.of(h4, chat, chat)).name());
        assertEquals("prompt-completion", Formats.detect(List.of(row("{'prompt':'a','completion':'b','label':false}"))).name());
        assertEquals("alpaca", Formats.detect(List.of(row("{'instruction':'a','input':'b','chosen':'c','rejected':'d'}"))).name());
        assertEquals("sharegpt", Formats.detect(List.of(row("{'conversations':[],'chosen':{},'rejected':{}}"))).name());
    }

    @Test
    void editDistance() {
        assertEquals(0, dev.distillery.datasets.spi.Names.distance("alpaca", "alpaca"));
        assertEquals(1, dev.distillery.datasets.spi.Names.distance("alpac", "alpaca"));
        assertEquals(3, dev.distillery.datasets.spi.Names.distance("kitten", "sitting"));
    }
}
