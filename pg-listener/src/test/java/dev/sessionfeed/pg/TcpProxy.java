package dev.sessionfeed.pg;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * A TCP proxy on a free loopback port in front of a PostgreSQL server, to cut or freeze the connections
 * through it. {@link #close()} closes the proxy, then its reactor.
 */
final class TcpProxy implements AutoCloseable {

    private final NioReactor reactor;
    private final TcpCrusher crusher;
    private final int port;

    private TcpProxy(NioReactor reactor, TcpCrusher crusher, int port) {
        this.reactor = reactor;
        this.crusher = crusher;
        this.port = port;
    }

    /**
     * Opens a proxy to a server.
     *
     * @param host the server's host
     * @param port the server's port
     * @return the open proxy
     * @throws IOException if no free port can be found or the reactor cannot start
     */
    static TcpProxy to(String host, int port) throws IOException {
        int proxyPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            proxyPort = s.getLocalPort();
        }
        NioReactor reactor = new NioReactor();
        try {
            TcpCrusher crusher = TcpCrusherBuilder.builder().withReactor(reactor)
                    .withBindAddress("127.0.0.1", proxyPort)
                    .withConnectAddress(host, port)
                    .buildAndOpen();
            return new TcpProxy(reactor, crusher, proxyPort);
        } catch (RuntimeException e) {
            reactor.close();
            throw e;
        }
    }

    /** @return the proxy, to close, reopen or freeze */
    TcpCrusher crusher() {
        return crusher;
    }

    /**
     * A JDBC URL that connects through the proxy.
     *
     * @param databaseName the database
     * @return {@code jdbc:postgresql://127.0.0.1:<proxy port>/<databaseName>}
     */
    String jdbcUrl(String databaseName) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + databaseName;
    }

    @Override
    public void close() {
        crusher.close();
        reactor.close();
    }
}
