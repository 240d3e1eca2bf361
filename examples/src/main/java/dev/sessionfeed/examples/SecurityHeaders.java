package dev.sessionfeed.examples;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Adds the browser security headers to every response: a Content-Security-Policy that allows only the app's own
 * scripts, styles and connections (the page and {@code client.js} have no inline script or style; {@code connect-src
 * 'self'} covers the same-origin WebSocket), no framing ({@code frame-ancestors 'none'}, and {@code X-Frame-Options}
 * for old browsers), no MIME sniffing, no referrer (a token in a URL never leaks to another site). Stateless,
 * thread-safe.
 */
final class SecurityHeaders implements Filter {

    /** The policy: nothing by default, then what the dashboard uses. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletResponse resp = (HttpServletResponse) response;
        resp.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        chain.doFilter(request, response);
    }
}
