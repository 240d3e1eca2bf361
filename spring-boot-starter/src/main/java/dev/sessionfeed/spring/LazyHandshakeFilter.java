package dev.sessionfeed.spring;

import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.SessionFeedServlets;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * The adapter's {@linkplain SessionFeedServlets#handshakeFilter handshake filter}, made on the first request:
 * the container creates its filters while it starts, before the endpoint bean exists (it is made after database
 * initialization). Thread-safe.
 */
final class LazyHandshakeFilter implements Filter {

    /** After Spring Security's filter chain (-100) and Boot's request wrappers (up to 0). */
    static final int ORDER = 1;

    private final Supplier<SessionFeedEndpoint> endpoint;
    private volatile Filter delegate;

    LazyHandshakeFilter(Supplier<SessionFeedEndpoint> endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        Filter f = delegate;
        if (f == null) {
            synchronized (this) {
                f = delegate;
                if (f == null) {
                    f = SessionFeedServlets.handshakeFilter(endpoint.get());
                    delegate = f;
                }
            }
        }
        f.doFilter(request, response, chain);
    }
}
