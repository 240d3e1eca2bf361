package dev.sessionfeed.examples;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throttles token guessing per client address, on every path that checks a token: {@code /api/*} (login, whoami) and
 * the WebSocket handshake. Each answer {@code 401} to a request that presented a credential costs the address one of
 * {@value #BURST} allowances; one comes back every {@value #REFILL_SECONDS} s (so at most 10 guesses a minute after
 * the first 10). While an address has none left, requests from it that present a <em>token</em> (a bearer header, an
 * {@code access_token} parameter, or any login) are answered {@code 429} with {@code Retry-After} before any token is
 * checked. Requests that carry only a login cookie still pass: a login id is 256 random bits (nothing to guess), and
 * an attacker sharing an address (a NAT) must not lock out the admins already signed in.
 *
 * <p>Memory is bounded: at most {@value #MAX_ADDRESSES} addresses are tracked; when full, addresses whose allowance has
 * refilled are forgotten, and if that frees nothing the table is cleared (logged). Refusals are logged in aggregate:
 * one WARN per minute at most, with the count and one sample address.
 *
 * <p>Thread-safe: a concurrent map of small buckets, each updated under its own monitor (no I/O under it).
 */
final class FailedAuthThrottle implements Filter {

    static final int BURST = 10;
    static final long REFILL_SECONDS = 6;
    static final int MAX_ADDRESSES = 10_000;

    private static final Logger log = LoggerFactory.getLogger(FailedAuthThrottle.class);
    private static final long REFILL_NANOS = TimeUnit.SECONDS.toNanos(REFILL_SECONDS);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final AtomicLong nextLogNanos;

    FailedAuthThrottle() {
        this(System::nanoTime);
    }

    FailedAuthThrottle(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.nextLogNanos = new AtomicLong(nanoTime.getAsLong());
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        boolean token = presentsToken(req);
        if (!token && !presentsCookie(req)) {
            chain.doFilter(request, response);
            return;
        }
        String address = String.valueOf(req.getRemoteAddr());
        if (token) {
            Bucket b = buckets.get(address);
            long wait = b == null ? 0 : b.nanosUntilAllowed(nanoTime.getAsLong());
            if (wait > 0) {
                refused(address);
                resp.setStatus(429);
                resp.setHeader("Retry-After", String.valueOf(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999))));
                resp.setContentType("application/json");
                resp.getOutputStream().write("{\"error\":\"too_many_attempts\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        chain.doFilter(request, response);
        if (resp.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
            bucket(address).fail(nanoTime.getAsLong());
        }
    }

    private static boolean presentsToken(HttpServletRequest req) {
        String query = req.getQueryString();
        return req.getHeader("Authorization") != null || (query != null && query.contains("access_token="))
                || "/api/login".equals(req.getRequestURI());
    }

    private static boolean presentsCookie(HttpServletRequest req) {
        String cookie = req.getHeader("Cookie");
        return cookie != null && cookie.contains(DemoAuth.COOKIE + "=");
    }

    private Bucket bucket(String address) {
        Bucket b = buckets.get(address);
        if (b != null) {
            return b;
        }
        if (buckets.size() >= MAX_ADDRESSES) {
            long now = nanoTime.getAsLong();
            buckets.values().removeIf(x -> x.isFull(now));
            if (buckets.size() >= MAX_ADDRESSES) {
                log.warn("Login throttle: more than {} addresses failed recently; forgetting them all", MAX_ADDRESSES);
                buckets.clear();
            }
        }
        return buckets.computeIfAbsent(address, a -> new Bucket(nanoTime.getAsLong()));
    }

    private void refused(String address) {
        long n = refusedSinceLog.incrementAndGet();
        long now = nanoTime.getAsLong();
        long next = nextLogNanos.get();
        if (now - next >= 0 && nextLogNanos.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
            refusedSinceLog.addAndGet(-n);
            log.warn("Login throttle: {} requests refused with 429 in the last minute (for example from {})", n,
                    address.length() > 45 ? address.substring(0, 45) : address);
        }
    }

    /** A failure allowance: {@link #BURST} at most, one back every {@link #REFILL_SECONDS} s. */
    private static final class Bucket {
        private double allowance = BURST;
        private long updatedNanos;

        Bucket(long now) {
            this.updatedNanos = now;
        }

        synchronized void fail(long now) {
            refill(now);
            allowance = Math.max(0, allowance - 1);
        }

        /** 0 when a token may be checked now, else how long until one may. */
        synchronized long nanosUntilAllowed(long now) {
            refill(now);
            return allowance >= 1 ? 0 : (long) ((1 - allowance) * REFILL_NANOS);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return allowance >= BURST;
        }

        private void refill(long now) {
            assert Thread.holdsLock(this);
            allowance = Math.min(BURST, allowance + (double) (now - updatedNanos) / REFILL_NANOS);
            updatedNanos = now;
        }
    }
}
