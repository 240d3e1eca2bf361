package dev.sessionfeed.websocket;

import java.net.URI;
import java.security.Principal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What an {@link AdminAuthenticator} sees of a WebSocket handshake: the container's authenticated principal,
 * the request headers (names case-insensitive), cookies, query parameters, the request URI and, where the container
 * tells, the principal's roles ({@link #isUserInRole}).
 *
 * <p>Immutable and thread-safe (the role check asks the container, see {@link #isUserInRole}). Tokens read from
 * here must never be logged.
 */
public final class HandshakeInfo {

    private final Principal principal;
    private final Map<String, List<String>> headers;
    private final Map<String, String> cookies;
    private final Map<String, List<String>> queryParameters;
    private final URI requestUri;
    private final Predicate<String> roles;

    /**
     * Creates a handshake description without roles ({@link #isUserInRole} answers false).
     *
     * @param principal       the container's authenticated user, or null
     * @param headers         the request headers; copied, names compared case-insensitively
     * @param queryParameters the query parameters; copied
     * @param requestUri      the request URI, or null when the container does not tell
     * @throws NullPointerException if {@code headers} or {@code queryParameters} is null
     */
    public HandshakeInfo(Principal principal, Map<String, List<String>> headers,
                         Map<String, List<String>> queryParameters, URI requestUri) {
        this(principal, headers, queryParameters, requestUri, role -> false);
    }

    /**
     * Creates a handshake description whose role checks ask {@code roles} (the adapter passes the container's
     * {@code HandshakeRequest::isUserInRole} or {@code HttpServletRequest::isUserInRole}).
     *
     * @param principal       the container's authenticated user, or null
     * @param headers         the request headers; copied, names compared case-insensitively
     * @param queryParameters the query parameters; copied
     * @param requestUri      the request URI, or null when the container does not tell
     * @param roles           answers whether the principal is in a role; called with non-null role names only
     * @throws NullPointerException if {@code headers}, {@code queryParameters} or {@code roles} is null
     */
    public HandshakeInfo(Principal principal, Map<String, List<String>> headers,
                         Map<String, List<String>> queryParameters, URI requestUri, Predicate<String> roles) {
        this.roles = Objects.requireNonNull(roles, "roles");
        this.principal = principal;
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Objects.requireNonNull(headers, "headers").forEach((k, v) -> {
            if (k != null && v != null) {
                h.merge(k, List.copyOf(v), (a, b) -> {
                    List<String> all = new java.util.ArrayList<>(a);
                    all.addAll(b);
                    return List.copyOf(all);
                });
            }
        });
        this.headers = Collections.unmodifiableMap(h);
        Map<String, List<String>> q = new LinkedHashMap<>();
        Objects.requireNonNull(queryParameters, "queryParameters").forEach((k, v) -> q.put(k, List.copyOf(v)));
        this.queryParameters = Collections.unmodifiableMap(q);
        this.cookies = Collections.unmodifiableMap(parseCookies(h.getOrDefault("Cookie", List.of())));
        this.requestUri = requestUri;
    }

    private static Map<String, String> parseCookies(List<String> cookieHeaders) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String name = pair.substring(0, eq).trim();
                    String value = pair.substring(eq + 1).trim();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    m.putIfAbsent(name, value);
                }
            }
        }
        return m;
    }

    /**
     * Whether the container's authenticated user is in a role of the web application (servlet security: the
     * roles of {@code web.xml}/{@code @DeclareRoles}, mapped from the server's realm groups by the server). Meant
     * for the {@link AdminAuthenticator}, which runs during the handshake: the container answers for the request
     * being upgraded, so ask it there, not later.
     *
     * @param role the role name, for example {@code chat-admin}
     * @return true if there is a principal and the container says it is in {@code role}; false without a principal
     * @throws NullPointerException if {@code role} is null
     */
    public boolean isUserInRole(String role) {
        Objects.requireNonNull(role, "role");
        return principal != null && roles.test(role);
    }

    /**
     * The user the container authenticated (servlet security, JAAS, ...).
     *
     * @return the principal, if any
     */
    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    /**
     * All request headers.
     *
     * @return an unmodifiable map with case-insensitive names
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * The first value of a header.
     *
     * @param name the header name, any case
     * @return the value, if present
     */
    public Optional<String> header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.ofNullable(v.get(0));
    }

    /**
     * The token of an {@code Authorization: Bearer <token>} header.
     *
     * @return the token, if the header is present and uses the Bearer scheme
     */
    public Optional<String> bearerToken() {
        return header("Authorization")
                .filter(v -> v.length() > 7 && v.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer "))
                .map(v -> v.substring(7).trim())
                .filter(v -> !v.isEmpty());
    }

    /**
     * The request's cookies (first value per name).
     *
     * @return an unmodifiable map of name to value
     */
    public Map<String, String> cookies() {
        return cookies;
    }

    /**
     * One cookie.
     *
     * @param name the cookie name (case-sensitive)
     * @return the value, if present
     */
    public Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies.get(name));
    }

    /**
     * All query parameters. Browsers cannot set headers on a WebSocket handshake, so a short-lived token in the
     * query (for example {@code ?token=...}) is a common choice; mind that proxies may log URLs.
     *
     * @return an unmodifiable map of name to values
     */
    public Map<String, List<String>> queryParameters() {
        return queryParameters;
    }

    /**
     * The first value of a query parameter.
     *
     * @param name the parameter name
     * @return the value, if present
     */
    public Optional<String> queryParameter(String name) {
        List<String> v = queryParameters.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.ofNullable(v.get(0));
    }

    /**
     * The {@code Origin} header.
     *
     * @return the origin, if the client sent one (browsers always do)
     */
    public Optional<String> origin() {
        return header("Origin");
    }

    /**
     * The request URI.
     *
     * @return the URI, if the container told it
     */
    public Optional<URI> requestUri() {
        return Optional.ofNullable(requestUri);
    }

    /** Lists header names only: values may hold credentials. */
    @Override
    public String toString() {
        return "HandshakeInfo{principal=" + (principal == null ? null : principal.getName())
                + ", headers=" + headers.keySet() + ", cookies=" + cookies.keySet()
                + ", queryParameters=" + queryParameters.keySet() + "}";
    }
}
