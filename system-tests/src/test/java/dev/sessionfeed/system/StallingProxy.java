package dev.sessionfeed.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy that, once {@linkplain #stallAfterOneByte() armed}, forwards exactly one more byte from the server
 * and then nothing (without closing): the connection freezes in the middle of a server message. NetCrusher freezes
 * between reads, which only sometimes falls inside a message; this makes it deterministic.
 */
final class StallingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final AtomicBoolean armed = new AtomicBoolean();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    StallingProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = daemon("stalling-proxy-accept", this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    void stallAfterOneByte() {
        armed.set(true);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(target);
                daemon("stalling-proxy-up", () -> pump(client, target, false));
                daemon("stalling-proxy-down", () -> pump(target, client, true));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromServer) {
        byte[] buf = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (fromServer && armed.get()) {
                    out.write(buf, 0, 1);
                    out.flush();
                    // Frozen: hold both sockets open, forward nothing more, until the proxy is closed.
                    while (!server.isClosed()) {
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
                    }
                    return;
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // A side closed: the pair ends.
        }
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() throws Exception {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        acceptor.join(5_000);
    }
}
