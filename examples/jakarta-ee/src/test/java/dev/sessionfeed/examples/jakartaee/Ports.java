package dev.sessionfeed.examples.jakartaee;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free loopback ports for servers the tests start (other builds may run on this machine at the same time). */
final class Ports {

    private Ports() {
    }

    static int free() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e, e);
        }
    }

    /** An offset that makes every one of {@code bases} a free port (WildFly's port-offset). */
    static int freeOffset(int... bases) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int offset = ThreadLocalRandom.current().nextInt(1000, 40000);
            boolean ok = true;
            for (int b : bases) {
                ok &= isFree(b + offset);
            }
            if (ok) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset found");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
