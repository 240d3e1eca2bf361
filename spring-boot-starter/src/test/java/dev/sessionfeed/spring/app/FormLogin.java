package dev.sessionfeed.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Logs in through Spring Security's form login as a browser does: GET /login, POST the form with its CSRF token. */
public final class FormLogin {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    private FormLogin() {
    }

    /**
     * @return the {@code Cookie} header value of the logged-in session
     */
    public static String sessionCookie(int port, String user, String password) throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        URI login = URI.create("http://127.0.0.1:" + port + "/login");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(login).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find()).as("a CSRF token on the login page: %s", page.body()).isTrue();
        String form = "username=" + enc(user) + "&password=" + enc(password) + "&_csrf=" + enc(csrf.group(1));
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(login).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as("login answer").isEqualTo(302);
        assertThat(posted.headers().firstValue("Location").orElse("")).as("redirect after login").doesNotContain("error");
        StringBuilder header = new StringBuilder();
        for (HttpCookie c : cookies.getCookieStore().getCookies()) {
            if (header.length() > 0) {
                header.append("; ");
            }
            header.append(c.getName()).append('=').append(c.getValue());
        }
        return header.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
