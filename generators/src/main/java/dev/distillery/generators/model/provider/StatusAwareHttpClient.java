package dev.distillery.generators.model.provider;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP transport every provider built by {@code ModelAccess} uses: java.net.http underneath, like LangChain4j's
 * JDK client, but a non-2xx answer becomes an {@link HttpStatusException} that keeps {@code Retry-After} (LangChain4j's
 * own client drops response headers on errors). Streaming is not offered: model access is request/response only.
 *
 * <pre>{@code OpenAiChatModel.builder().httpClientBuilder(StatusAwareHttpClient.builder()) ...}</pre>
 */
public final class StatusAwareHttpClient implements HttpClient {

    /** Headers java.net.http sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade");
    private static final int MAX_ERROR_BODY = 2_000;

    private final java.net.http.HttpClient client;
    private final Duration readTimeout;

    private StatusAwareHttpClient(Builder builder) {
        java.net.http.HttpClient.Builder b = java.net.http.HttpClient.newBuilder()
                // Plain HTTP/1.1: local servers (vLLM, llama.cpp, test servers) gain nothing from an h2c upgrade try.
                .version(java.net.http.HttpClient.Version.HTTP_1_1);
        if (builder.connectTimeout != null) b.connectTimeout(builder.connectTimeout);
        this.client = b.build();
        this.readTimeout = builder.readTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) throws HttpException {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
        if (readTimeout != null) b.timeout(readTimeout);
        request.headers().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) values.forEach(v -> b.header(name, v));
        });
        String body = request.body();
        switch (request.method()) {
            case GET -> b.GET();
            case DELETE -> b.DELETE();
            case POST -> b.POST(body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + request.url(), e);
        }
        int status = response.statusCode();
        Map<String, List<String>> headers = response.headers().map();
        if (status < 200 || status > 299) {
            String text = response.body() == null ? "" : response.body();
            if (text.length() > MAX_ERROR_BODY) text = text.substring(0, MAX_ERROR_BODY) + "...";
            throw new HttpStatusException(status, Secrets.redact(text), retryAfter(response.headers()));
        }
        return SuccessfulHttpResponse.builder().statusCode(status).headers(headers).body(response.body()).build();
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        throw new UnsupportedOperationException("streaming is not used by model access");
    }

    /**
     * {@code retry-after-ms} (OpenAI) or {@code Retry-After} as delta-seconds or an HTTP date; null when absent or
     * unreadable (then the retry falls back to its own backoff).
     */
    static Duration retryAfter(java.net.http.HttpHeaders headers) {
        var ms = headers.firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(ms.get().trim())));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        var value = headers.firstValue("retry-after");
        if (value.isEmpty()) return null;
        String v = value.get().trim();
        try {
            return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(v) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /** Builder that LangChain4j's model builders accept through {@code httpClientBuilder(...)}. */
    public static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout;
        private Duration readTimeout;

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        @Override
        public StatusAwareHttpClient build() {
            return new StatusAwareHttpClient(this);
        }
    }
}
