package dev.sessionfeed.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A WebSocket opening handshake over a plain socket, to see exactly how an endpoint answers it (status line and
 * headers) — for refusals the JDK client turns into an exception without the details, and for containers that
 * answer a refusal without a length and keep the connection open (only the head of the answer is read).
 *
 * <p>Stateless and thread-safe; each call opens and closes its own socket to {@code 127.0.0.1} with a 10 s read
 * timeout.
 */
public final class RawHandshake {

    private RawHandshake() {
    }

    /**
     * The HTTP status of the answer to a handshake.
     *
     * @param port    the server's port on 127.0.0.1
     * @param path    the endpoint path, for example {@code /ws/admin/chat}
     * @param headers extra request headers, for example {@code Origin}
     * @return the status code; 101 when the server upgraded
     * @throws UncheckedIOException if the socket fails
     * @throws AssertionError       if the answer is not HTTP/1.1
     */
    public static int status(int port, String path, Map<String, String> headers) {
        String status = response(port, path, headers).get(0);
        return Integer.parseInt(status.substring(9, 12));
    }

    /**
     * The status line and header lines of the answer to a handshake.
     *
     * @param port    the server's port on 127.0.0.1
     * @param path    the endpoint path
     * @param headers extra request headers
     * @return the status line first, then one entry per header line, as sent
     * @throws UncheckedIOException if the socket fails
     * @throws AssertionError       if the answer is not HTTP/1.1
     */
    public static List<String> response(int port, String path, Map<String, String> headers) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("\r\n");
            socket.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String status = in.readLine();
            if (status == null || !status.startsWith("HTTP/1.1 ")) {
                throw new AssertionError("not an HTTP response: " + status);
            }
            List<String> lines = new ArrayList<>(List.of(status));
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                lines.add(line);
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
