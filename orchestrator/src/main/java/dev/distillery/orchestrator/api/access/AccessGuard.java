package dev.distillery.orchestrator.api.access;

import dev.distillery.datasets.json.Json;
import io.quarkus.arc.Unremovable;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Enforces the {@link AccessPolicy} of {@code distillery serve} on every HTTP request, before any route (REST, event
 * streams, static files) sees it, and checks the policy before the server binds its port: a non-loopback host without
 * a token stops the start-up with a message saying how to set one.
 * <ul>
 *   <li>With a token: every request needs it ({@code Authorization: Bearer T}, or {@code ?access_token=T}, which is
 *       what a browser's EventSource can send), except GETs of the dashboard's own static files, which hold no data.
 *       Anything else gets a 401 with a JSON error. Deny by default: a path this guard does not know (an encoded or
 *       oddly spelled API path among them) needs the token too.</li>
 *   <li>Without a token (loopback only): requests must be addressed to a loopback name ({@code Host: localhost},
 *       {@code 127.0.0.1}, {@code [::1]}), which defeats DNS rebinding (a web page whose own name resolves to
 *       127.0.0.1), and a state-changing request that comes from a web page must come from the dashboard's own origin,
 *       so a page elsewhere cannot start or cancel runs through the user's browser. Both get a 403.</li>
 * </ul>
 */
@Singleton
@Unremovable
public class AccessGuard implements HttpServerOptionsCustomizer {

    /** The dashboard's static files (src/main/resources/META-INF/resources): the page loads, then asks for data. */
    static final Set<String> DASHBOARD_FILES = Set.of("/", "/index.html", "/dashboard.js", "/dashboard.css");
    /** The query parameter that carries the token where no header can (EventSource, a link). */
    public static final String TOKEN_PARAMETER = "access_token";
    /** Before the routes, after nothing: Quarkus runs higher priorities first. */
    private static final int PRIORITY = 10_000;
    private static final Pattern LOOPBACK_IPV4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    @ConfigProperty(name = "quarkus.http.host")
    String configuredHost;

    @ConfigProperty(name = "distillery.access-token")
    Optional<String> token;

    @ConfigProperty(name = "distillery.access-token-file")
    Optional<Path> tokenFile;

    private volatile AccessPolicy policy;

    /** The policy in force: made when the server is configured, or from the configuration on first use. */
    public AccessPolicy policy() {
        AccessPolicy p = policy;
        if (p == null) {
            p = AccessPolicy.forServing(configuredHost, token, tokenFile);
            policy = p;
        }
        return p;
    }

    /** Runs before the HTTP server binds: an unprotected non-loopback host fails here, and nothing listens. */
    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        policy = AccessPolicy.forServing(options.getHost(), token, tokenFile);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        policy = AccessPolicy.forServing(options.getHost(), token, tokenFile);
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    void filter(RoutingContext rc) {
        AccessPolicy p = policy();
        HttpMethod method = rc.request().method();
        boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (p.requiresToken()) {
            if (read && DASHBOARD_FILES.contains(rc.normalizedPath()) || p.accepts(presentedToken(rc))) {
                rc.next();
            } else {
                rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"distillery\"");
                deny(rc, 401, "this server needs its access token: send `Authorization: Bearer <token>` or `?"
                        + TOKEN_PARAMETER + "=<token>` (the dashboard: open /?token=<token>)");
            }
            return;
        }
        HostAndPort authority = rc.request().authority();
        if (authority != null && !isLoopbackName(authority.host())) {
            deny(rc, 403, "this server answers only requests addressed to localhost, 127.0.0.1 or [::1], not '"
                    + authority.host() + "'; to serve under another name, configure an access token ("
                    + AccessPolicy.HOW_TO_SET + ")");
            return;
        }
        String origin = rc.request().getHeader("Origin");
        if (!read && origin != null && !sameOrigin(origin, authority, rc.request().scheme())) {
            deny(rc, 403, "refusing a " + method + " from the web page at " + origin
                    + ": only the dashboard served here may change runs");
            return;
        }
        rc.next();
    }

    /** The bearer token of the Authorization header, else the first {@code access_token} query parameter, else null. */
    static String presentedToken(RoutingContext rc) {
        String header = rc.request().getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).strip();
        }
        List<String> q = rc.queryParam(TOKEN_PARAMETER);
        return q.isEmpty() ? null : q.getFirst();
    }

    /**
     * Whether a Host header's name is this machine by its spelling alone. It is never resolved: resolving it is
     * exactly what a DNS-rebinding page relies on.
     */
    static boolean isLoopbackName(String host) {
        if (host == null) return true; // no Host at all: HTTP/1.0 tools, never a browser
        String h = unbracket(host.toLowerCase(Locale.ROOT));
        return h.equals("localhost") || h.endsWith(".localhost") || LOOPBACK_IPV4.matcher(h).matches()
                || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    /**
     * {@code Origin: http://localhost:8080} against the request's authority ({@code Host}, or HTTP/2's
     * {@code :authority}) and scheme; an absent port is the scheme's default.
     */
    static boolean sameOrigin(String origin, HostAndPort authority, String scheme) {
        if (authority == null) return false;
        URI o;
        try {
            o = new URI(origin);
        } catch (URISyntaxException e) {
            return false; // "null" (a sandboxed frame, a file) and anything malformed
        }
        if (o.getScheme() == null || o.getHost() == null || !o.getScheme().equalsIgnoreCase(scheme)) return false;
        int originPort = o.getPort() >= 0 ? o.getPort() : defaultPort(o.getScheme());
        int requestPort = authority.port() >= 0 ? authority.port() : defaultPort(scheme);
        return unbracket(o.getHost()).equalsIgnoreCase(unbracket(authority.host())) && originPort == requestPort;
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static void deny(RoutingContext rc, int status, String message) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(Json.string(Map.of("error", message)));
    }
}
