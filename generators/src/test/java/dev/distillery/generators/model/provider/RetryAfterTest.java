package dev.distillery.generators.model.provider;

import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryAfterTest {

    private static Duration parse(Map<String, List<String>> headers) {
        return StatusAwareHttpClient.retryAfter(HttpHeaders.of(headers, (k, v) -> true));
    }

    @Test
    void readsSecondsMillisecondsAndHttpDates() {
        assertEquals(Duration.ofSeconds(7), parse(Map.of("Retry-After", List.of("7"))));
        assertEquals(Duration.ofMillis(1500), parse(Map.of("Retry-After", List.of("1.5"))));
        assertEquals(Duration.ofMillis(250), parse(Map.of("retry-after-ms", List.of("250"), "Retry-After", List.of("1"))),
                "OpenAI's finer header wins");
        String date = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = parse(Map.of("Retry-After", List.of(date)));
        assertTrue(d.toSeconds() >= 25 && d.toSeconds() <= 30, "HTTP date: " + d);
        assertEquals(Duration.ZERO, parse(Map.of("Retry-After", List.of("Wed, 21 Oct 2015 07:28:00 GMT"))), "past date");
        assertNull(parse(Map.of("Retry-After", List.of("soon"))));
        assertNull(parse(Map.of()));
    }
}
