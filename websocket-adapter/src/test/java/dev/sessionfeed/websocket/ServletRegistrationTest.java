package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.testkit.FakeSessionFeed;
import dev.sessionfeed.testkit.RawHandshake;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registering where there is no WebSocket container fails with what to do; the client script revalidates. */
class ServletRegistrationTest {

    private FakeSessionFeed feed;
    private SessionFeedEndpoint endpoint;
    private Tomcat tomcat;

    @BeforeEach
    void createEndpoint() {
        feed = new FakeSessionFeed("reg", 4);
        endpoint = SessionFeedEndpoint.create(feed, WebSocketOptions.builder(h -> Optional.empty()).build());
    }

    @AfterEach
    void stop() throws Exception {
        endpoint.close();
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void registerWithANullContainerSaysWhereTheContainerComesFrom() {
        assertThatThrownBy(() -> endpoint.register(null, "/ws/admin/chat"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("container is null: no Jakarta WebSocket container")
                .hasMessageContaining("jakarta.websocket.server.ServerContainer")
                .hasMessageContaining("SessionFeedServlets.initializer");
    }

    @Test
    void registeringInAnApplicationWithoutWebSocketSupportFailsWithWhatToAdd() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Context context = startTomcat(false, failure);
        assertThat(context).isNotNull();
        assertThat(failure.get())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Jakarta WebSocket container in this web application")
                .hasMessageContaining("tomcat-embed-websocket");
    }

    @Test
    void clientScriptIsRevalidatedWithItsETag() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        startTomcat(true, failure);
        assertThat(failure.get()).isNull();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + ClientScript.PATH);
        HttpResponse<byte[]> first = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(first.headers().firstValue("Cache-Control")).contains("no-cache");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> again = http.send(HttpRequest.newBuilder(uri).header("If-None-Match", etag)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void aListenerAddedProgrammaticallyRegistersTheEndpointAndClosesItWithTheApplication() throws Exception {
        AtomicReference<SessionFeedServletListener> listener = new AtomicReference<>();
        tomcat = TomcatCompatibilityTest.onLoopback();
        Context context = tomcat.addContext("", tomcat.getServer().getCatalinaBase().toString());
        // A listener added by ServletContext.addListener may not add servlets (Servlet spec), so on Tomcat the
        // application maps the path itself (here: a default servlet), as the listener's INFO line says.
        Tomcat.addServlet(context, "default", new jakarta.servlet.http.HttpServlet() {
            private static final long serialVersionUID = 1L;
        });
        context.addServletMappingDecoded("/", "default");
        context.addServletContainerInitializer(new WsSci(), null);
        context.addServletContainerInitializer((classes, servletContext) -> {
            SessionFeedServletListener l = new SessionFeedServletListener() {
                @Override
                protected SessionFeedEndpoint createEndpoint(jakarta.servlet.ServletContext ctx) {
                    return endpoint;
                }

                @Override
                protected String path() {
                    return "/ws/admin/chat";
                }
            };
            listener.set(l);
            servletContext.addListener(l);
        }, null);
        tomcat.start();
        assertThat(listener.get().endpoint()).isSameAs(endpoint);
        assertThat(feed.broadcasterCount()).isEqualTo(1);
        // Registered: the container's Origin check answers (403: no Origin is allowed here), not a 404.
        assertThat(RawHandshake.status(tomcat.getConnector().getLocalPort(), "/ws/admin/chat", java.util.Map.of("Origin", "http://a.test")))
                .isEqualTo(403);
        tomcat.stop();
        assertThat(feed.broadcasterCount()).as("the endpoint closed with the application").isZero();
        tomcat.destroy();
        tomcat = null;
    }

    private Context startTomcat(boolean webSocketSupport, AtomicReference<Throwable> failure) throws Exception {
        tomcat = TomcatCompatibilityTest.onLoopback();
        Context context = tomcat.addContext("", tomcat.getServer().getCatalinaBase().toString());
        if (webSocketSupport) {
            context.addServletContainerInitializer(new WsSci(), null);
        }
        context.addServletContainerInitializer((classes, servletContext) -> {
            try {
                SessionFeedServlets.register(servletContext, endpoint, "/ws/admin/chat");
            } catch (Exception | Error e) {
                failure.set(e);
            }
        }, null);
        tomcat.start();
        return context;
    }
}
