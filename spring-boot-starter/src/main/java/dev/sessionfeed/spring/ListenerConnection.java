package dev.sessionfeed.spring;

import org.springframework.core.env.Environment;

/**
 * Where the dedicated LISTEN connection goes: {@code sessionfeed.listener.*}, else {@code spring.datasource.*}
 * (the properties Boot builds the application's DataSource from, {@code @DynamicPropertySource} included).
 */
record ListenerConnection(String urlProperty, String url, String username, String password) {

    static ListenerConnection resolve(SessionFeedProperties.Listener listener, Environment environment) {
        String url = listener.getUrl();
        String urlProperty = "sessionfeed.listener.url";
        if (url == null || url.isBlank()) {
            url = environment.getProperty("spring.datasource.url");
            urlProperty = "spring.datasource.url";
        }
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("sessionfeed.source=notify needs a JDBC URL for its dedicated LISTEN connection: "
                    + "set sessionfeed.listener.url (and .username, .password) or spring.datasource.url, "
                    + "or set sessionfeed.source=polling");
        }
        String username = listener.getUsername() != null ? listener.getUsername() : environment.getProperty("spring.datasource.username");
        String password = listener.getPassword() != null ? listener.getPassword() : environment.getProperty("spring.datasource.password");
        return new ListenerConnection(urlProperty, url, username, password);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "ListenerConnection[" + urlProperty + ", user=" + username + "]";
    }
}
