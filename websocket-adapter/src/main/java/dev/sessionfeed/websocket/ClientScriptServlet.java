package dev.sessionfeed.websocket;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Serves {@link ClientScript} (GET and HEAD) with a strong ETag, {@code Cache-Control: no-cache} (revalidated, so an
 * upgraded jar is picked up at once) and {@code nosniff}. Stateless and thread-safe.
 */
final class ClientScriptServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private static final byte[] BODY = ClientScript.bytes();
    private static final String ETAG = etag(BODY);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        headers(res);
        if (ETAG.equals(req.getHeader("If-None-Match"))) {
            res.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        res.setContentLength(BODY.length);
        res.getOutputStream().write(BODY);
    }

    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse res) {
        headers(res);
        res.setContentLength(BODY.length);
    }

    private static void headers(HttpServletResponse res) {
        res.setContentType(ClientScript.CONTENT_TYPE);
        res.setHeader("ETag", ETAG);
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Content-Type-Options", "nosniff");
    }

    private static String etag(byte[] body) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
            return '"' + HexFormat.of().formatHex(hash, 0, 12) + '"';
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256; without it a weak tag from the length still works.
            return "W/\"" + body.length + '"';
        }
    }
}
