package dev.sessionfeed.examples;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses state-changing requests that a page on another site made a browser send (CSRF). A browser marks such
 * requests: {@code Sec-Fetch-Site} (anything but {@code same-origin}) and {@code Origin} (anything but one of the app's
 * own origins or an {@code --allowed-origin}; a sandboxed page sends {@code null}). A request with neither header comes
 * from a non-browser client, which cannot carry a victim's cookie, and passes. Together with
 * {@link #isJson(HttpServletRequest) a JSON body} (a cross-site page cannot send {@code application/json} without a
 * CORS preflight, which this app never answers) and the SameSite=Strict cookie, this is the defence in depth the
 * login and logout endpoints use. Immutable, thread-safe.
 */
final class SameOriginCheck {

    private final Set<String> allowedOrigins;

    /** @param allowedOrigins exact {@code scheme://host[:port]} values, the same list as the WebSocket endpoint's */
    SameOriginCheck(List<String> allowedOrigins) {
        this.allowedOrigins = Set.copyOf(allowedOrigins);
    }

    /**
     * Why the request must be refused, if it must.
     *
     * @param req the request
     * @return a short reason for the log (never a header's raw value), or empty when it may proceed
     */
    Optional<String> refusal(HttpServletRequest req) {
        String site = req.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin")) {
            return Optional.of("Sec-Fetch-Site is not same-origin");
        }
        String origin = req.getHeader("Origin");
        if (origin != null && !allowedOrigins.contains(origin)) {
            return Optional.of("Origin is not one of the app's origins");
        }
        return Optional.empty();
    }

    /**
     * Whether the body is declared as JSON ({@code application/json}, any parameters).
     *
     * @param req the request
     * @return true for JSON
     */
    static boolean isJson(HttpServletRequest req) {
        String type = req.getContentType();
        if (type == null) {
            return false;
        }
        int semicolon = type.indexOf(';');
        String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json");
    }
}
