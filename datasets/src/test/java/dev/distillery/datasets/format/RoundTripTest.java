package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.model.DataRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoundTripTest {

    static final java.util.List<Examples.Example> EXAMPLES = Examples.ALL;

    @ParameterizedTest
    @FieldSource("EXAMPLES")
    void decodeThenEncodeGivesTheSameRow(Examples.Example ex) {
        RecordFormat f = Formats.byName(ex.format());
        LossReport loss = new LossReport();
        ObjectNode again = f.encode(f.decode(ex.row()), loss);
        assertEquals(ex.row(), again);
        assertTrue(loss.isEmpty(), () -> loss.lines().toString());
    }

    @ParameterizedTest
    @FieldSource("EXAMPLES")
    void nativeJsonKeepsTheWholeRecord(Examples.Example ex) {
        DataRecord r = Formats.byName(ex.format()).decode(ex.row());
        RecordFormat distillery = Formats.byName("distillery");
        LossReport loss = new LossReport();
        ObjectNode nativeRow = distillery.encode(r, loss);
        assertEquals(r, distillery.decode(nativeRow));
        assertTrue(loss.isEmpty());
    }

    @ParameterizedTest
    @FieldSource("EXAMPLES")
    void detectionPicksTheFormat(Examples.Example ex) {
        assertEquals(ex.detected(), Formats.detect(java.util.List.of(ex.row())).name());
    }

    @ParameterizedTest
    @FieldSource("EXAMPLES")
    void importedRowsGetContentIds(Examples.Example ex) {
        if (ex.format().equals("distillery")) return; // native rows carry their own id
        RecordFormat f = Formats.byName(ex.format());
        DataRecord a = f.decode(ex.row());
        assertEquals(DataRecord.of(a.payload()).id(), a.id());
        assertEquals(a.payload().type(), a.kind());
    }

    @Test
    void everyBuiltInFormatHasExamples() {
        Set<String> covered = EXAMPLES.stream().map(Examples.Example::format).collect(Collectors.toCollection(TreeSet::new));
        Set<String> all = Formats.all().stream().map(RecordFormat::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(all, covered);
        assertEquals(Set.of("distillery", "trl-text", "trl-messages", "prompt-completion", "trl-dpo", "sharegpt", "alpaca",
                "openai-chat", "openai-dpo", "pretokenized", "pretokenized-dpo"), all);
    }
}
