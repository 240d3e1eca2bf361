package dev.sessionfeed.examples.jakartaee;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The sample's settings, read from Java system properties (both servers set them from their own configuration:
 * WildFly's {@code <system-properties>} or {@code -D}, Payara's {@code --systemProperties}) or, when a property is
 * absent, from the environment variable next to it. Nothing secret is ever logged from here.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>property</th><th>environment</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code sessionfeed.allowedOrigins}</td><td>{@code SESSIONFEED_ALLOWED_ORIGINS}</td><td>none (every
 *       Origin refused)</td><td>comma-separated exact Origins the dashboard is served from</td></tr>
 *   <tr><td>{@code sessionfeed.listen.jdbcUrl}</td><td>{@code SESSIONFEED_LISTEN_JDBC_URL}</td><td>none: poll
 *       the DataSource</td><td>the dedicated, unpooled LISTEN connection</td></tr>
 *   <tr><td>{@code sessionfeed.listen.user} / {@code .password}</td><td>{@code SESSIONFEED_LISTEN_USER} /
 *       {@code _PASSWORD}</td><td>none</td><td>its credentials</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 */
final class FeedSettings {

    private final List<String> allowedOrigins;
    private final String listenUrl;
    private final String listenUser;
    private final String listenPassword;

    private FeedSettings(List<String> allowedOrigins, String listenUrl, String listenUser, String listenPassword) {
        this.allowedOrigins = allowedOrigins;
        this.listenUrl = listenUrl;
        this.listenUser = listenUser;
        this.listenPassword = listenPassword;
    }

    static FeedSettings fromSystem() {
        return from(name -> {
            String v = System.getProperty(name);
            return v != null ? v : System.getenv(name.replace('.', '_').replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT));
        });
    }

    static FeedSettings from(UnaryOperator<String> lookup) {
        String origins = lookup.apply("sessionfeed.allowedOrigins");
        List<String> list = origins == null ? List.of()
                : Arrays.stream(origins.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        String url = lookup.apply("sessionfeed.listen.jdbcUrl");
        if (url != null && !url.isBlank() && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("sessionfeed.listen.jdbcUrl must start with jdbc:postgresql:, was '"
                    + url.substring(0, Math.min(url.length(), 40)) + "'");
        }
        return new FeedSettings(list, url == null || url.isBlank() ? null : url,
                lookup.apply("sessionfeed.listen.user"), lookup.apply("sessionfeed.listen.password"));
    }

    List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** The LISTEN connection's URL, if LISTEN is configured; without it the feed polls the DataSource. */
    Optional<String> listenUrl() {
        return Optional.ofNullable(listenUrl);
    }

    String listenUser() {
        return listenUser;
    }

    String listenPassword() {
        return listenPassword;
    }
}
