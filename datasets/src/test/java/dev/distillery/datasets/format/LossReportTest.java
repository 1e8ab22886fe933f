package dev.distillery.datasets.format;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossReportTest {

    @Test
    void countsEachDistinctLossInFirstSeenOrder() {
        LossReport loss = new LossReport();
        assertTrue(loss.isEmpty());
        IntStream.range(0, 10_000).parallel().forEach(i -> {
            loss.note("trl-messages", "lineage");
            if (i % 2 == 0) loss.note("alpaca", "tools");
        });
        loss.note("sharegpt", "tool names");
        assertEquals(10_000, loss.count("trl-messages", "lineage"));
        assertEquals(5_000, loss.count("alpaca", "tools"));
        assertEquals(0, loss.count("alpaca", "lineage"));
        assertEquals(3, loss.lines().size());
        assertTrue(loss.lines().contains("trl-messages does not carry lineage (10000 records)"));
        assertEquals("sharegpt does not carry tool names (1 record)", loss.lines().get(2));
    }

    @Test
    void emptyReportHasNoLines() {
        assertEquals(List.of(), new LossReport().lines());
    }
}
