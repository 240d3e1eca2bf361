package dev.sessionfeed.websocket;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client over a plain socket for what the JDK client cannot do: repeated handshake headers, binary
 * frames of any declared size, and a client that never reads. Not thread-safe; close it.
 */
final class RawWebSocket implements AutoCloseable {

    /** One received frame. */
    record Frame(int opcode, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    final Socket socket;
    final String statusLine;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket, String statusLine) throws IOException {
        this.socket = socket;
        this.statusLine = statusLine;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Sends a handshake with the given extra header lines ({@code "Name: value"}) and reads the response head.
     *
     * @param receiveBuffer the socket's receive buffer (small for a client that stops reading), 0 for the default
     */
    static RawWebSocket open(int port, String path, int receiveBuffer, String... headerLines) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(10_000);
        StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        for (String h : headerLines) {
            req.append(h).append("\r\n");
        }
        req.append("\r\n");
        s.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = s.getInputStream().read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        int eol = head.indexOf("\r\n");
        return new RawWebSocket(s, eol < 0 ? head.toString() : head.substring(0, eol));
    }

    /** @return the HTTP status of the handshake's answer */
    int status() {
        String[] parts = statusLine.split(" ");
        return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    }

    /** Sends one masked frame; {@code declaredLength} may exceed the payload written (a frame that never ends). */
    void send(int opcode, boolean fin, byte[] payload, long declaredLength) throws IOException {
        byte[] mask = {7, 3, 5, 1};
        java.io.ByteArrayOutputStream f = new java.io.ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        if (declaredLength < 126) {
            f.write(0x80 | (int) declaredLength);
        } else if (declaredLength <= 0xffff) {
            f.write(0x80 | 126);
            f.write((int) (declaredLength >> 8));
            f.write((int) declaredLength);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) (declaredLength >> (8 * i)));
            }
        }
        f.write(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i % 4]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    /** Writes bytes as they are (the rest of a frame's payload; unmasked zeros stay zeros under any mask of zeros). */
    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void sendText(String text) throws IOException {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        send(0x1, true, p, p.length);
    }

    /** Reads the next frame (unmasked, from the server). */
    Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    /** Reads frames until a close frame; returns its code. */
    int awaitClose() throws IOException {
        while (true) {
            Frame f = read();
            if (f.opcode() == 0x8) {
                return f.closeCode();
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
