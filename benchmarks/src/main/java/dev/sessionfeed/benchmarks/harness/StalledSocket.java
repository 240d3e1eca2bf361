package dev.sessionfeed.benchmarks.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A dashboard that froze: a plain TCP socket that performs the WebSocket handshake, subscribes (without deltas, so
 * every change is a full list), and then never reads again. Its small receive buffer fills at once, so the server's
 * send to it stays in flight — what a hung browser tab does to a server. (The JDK WebSocket client is not used here
 * because the only way to stop it reading is to stop requesting, and its transport may keep draining the socket.)
 *
 * <p>Not thread-safe.
 */
public final class StalledSocket implements AutoCloseable {

    private final Socket socket;

    private StalledSocket(Socket socket) {
        this.socket = socket;
    }

    /**
     * Connects, subscribes, reads the first frames (hello and the full state's start) and stops reading.
     *
     * @param uri the endpoint
     * @return the stalled socket
     * @throws IOException when the handshake fails
     */
    public static StalledSocket open(URI uri) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
        s.setSoTimeout(10_000);
        byte[] keyBytes = new byte[16];
        new SecureRandom().nextBytes(keyBytes);
        String key = Base64.getEncoder().encodeToString(keyBytes);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String status = readHeaders(in);
        if (!status.startsWith("HTTP/1.1 101")) {
            s.close();
            throw new IOException("handshake refused: " + status);
        }
        readFrame(in); // hello
        out.write(maskedText("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"deltas\":false}"));
        out.flush();
        return new StalledSocket(s);
    }

    /**
     * Whether the server has closed the connection, found by a non-blocking look: with data pending this cannot
     * tell (the socket still has unread bytes), so it reports the server's view only through the endpoint.
     *
     * @return true if the socket is closed locally
     */
    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static String readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake");
            }
            buf.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String headers = buf.toString(StandardCharsets.US_ASCII);
        return headers.substring(0, headers.indexOf('\r'));
    }

    private static void readFrame(InputStream in) throws IOException {
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
            throw new IOException("connection closed before the first frame");
        }
        long len = b1 & 0x7f;
        if (len == 126) {
            len = (in.read() << 8) | in.read();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | in.read();
            }
        }
        in.readNBytes((int) len);
    }

    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("frame too long for this minimal client: " + payload.length);
        }
        byte[] mask = new byte[4];
        new SecureRandom().nextBytes(mask);
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }
}
