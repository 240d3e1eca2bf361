package dev.sessionfeed.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The browser client ({@code client.js}, an ES module; {@code docs/client.md}) as this jar ships it, for serving it
 * at {@link #PATH}. On a servlet container {@link SessionFeedServlets#register} serves it for you; this class is for
 * the rest: a container without servlets (Tyrus on Grizzly: {@link #copyTo} and its static content root) or a
 * framework with its own routes ({@link #bytes()} with {@link #CONTENT_TYPE}). Thread-safe; the script is read from
 * the class path once.
 */
public final class ClientScript {

    /** Where the browser expects the client: {@value}. Its ES-module imports are relative to nothing else. */
    public static final String PATH = "/sessionfeed/client.js";

    /** The class-path resource that holds it: {@value}. */
    public static final String RESOURCE = "META-INF/resources/sessionfeed/client.js";

    /** The media type to serve it with: {@value} (browsers refuse a module with a non-JavaScript type). */
    public static final String CONTENT_TYPE = "text/javascript; charset=utf-8";

    private ClientScript() {
    }

    /**
     * The script's bytes (UTF-8).
     *
     * @return a new copy of the script
     * @throws IllegalStateException if the resource is missing from the class path (a repackaged jar)
     */
    public static byte[] bytes() {
        return Holder.BYTES.clone();
    }

    /**
     * Writes the script under a directory at the path a browser asks for ({@code root/sessionfeed/client.js}), so that
     * a container serving static files from {@code root} serves it at {@link #PATH}. For Tyrus on Grizzly:
     * {@code ServerContainerFactory.createServerContainer(Map.of("org.glassfish.tyrus.server.staticContentRoot",
     * ClientScript.copyTo(dir).toString()))}.
     *
     * @param root the static content root (created if missing)
     * @return {@code root}
     * @throws NullPointerException  if {@code root} is null
     * @throws UncheckedIOException  if the file cannot be written
     */
    public static Path copyTo(Path root) {
        Objects.requireNonNull(root, "root");
        try {
            Path file = root.resolve(PATH.substring(1));
            Files.createDirectories(file.getParent());
            Files.write(file, Holder.BYTES);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + PATH + " under " + root, e);
        }
    }

    /** Read on first use, so that a class-path problem surfaces where the script is asked for. */
    private static final class Holder {
        static final byte[] BYTES = read();

        private static byte[] read() {
            try (InputStream in = ClientScript.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " not found on the class path of "
                            + ClientScript.class.getName() + " (is sessionfeed-websocket-adapter repackaged without its resources?)");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
        }
    }
}
