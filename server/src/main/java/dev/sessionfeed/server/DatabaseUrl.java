package dev.sessionfeed.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A database location from {@code DATABASE_URL}: a JDBC URL ({@code jdbc:postgresql://...}, passed through) or the
 * {@code postgres://user:pass@host:port/db?params} form of Heroku, Render, Fly and libpq. The demo has the same parser
 * for its own options (examples/ is not a dependency of the server, and the server's must not change with the demo).
 *
 * @param jdbcUrl  the JDBC URL without credentials
 * @param user     the user, or null when not given
 * @param password the password, or null when not given
 */
record DatabaseUrl(String jdbcUrl, String user, String password) {

    DatabaseUrl {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    }

    /**
     * Parses either form.
     *
     * @param url the value
     * @return the location
     * @throws IllegalArgumentException naming DATABASE_URL and the (redacted) value; never contains the password
     */
    static DatabaseUrl parse(String url) {
        String u = url.trim();
        if (u.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(u, null, null);
        }
        if (!u.startsWith("postgres://") && !u.startsWith("postgresql://")) {
            throw new IllegalArgumentException("DATABASE_URL must be jdbc:postgresql://... or postgres://user:pass@host:port/db, was: '"
                    + redact(u) + "'");
        }
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("DATABASE_URL is not a valid URL: '" + redact(u) + "'");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("DATABASE_URL has no host: '" + redact(u) + "'");
        }
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath();
        String jdbc = "jdbc:postgresql://" + host + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + path
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        return new DatabaseUrl(jdbc, user, password);
    }

    /** The URL with any {@code user:password@} and {@code password=} values masked, for logs and errors. */
    static String redact(String url) {
        return url.replaceAll("//([^/@:]*):[^/@]*@", "//$1:***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DatabaseUrl{" + redact(jdbcUrl) + ", user=" + user + "}";
    }
}
