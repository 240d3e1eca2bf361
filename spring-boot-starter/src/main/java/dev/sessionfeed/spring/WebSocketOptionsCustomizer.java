package dev.sessionfeed.spring;

import dev.sessionfeed.websocket.WebSocketOptions;

/**
 * Adjusts the endpoint's {@link WebSocketOptions} before the starter builds them: declare one or more as beans
 * (ordered by {@link org.springframework.core.annotation.Order @Order} / {@link org.springframework.core.Ordered})
 * to set what the {@code sessionfeed.*} properties do not cover (command rate, frame limits, thread factory, an
 * extra command permission, ...). Called once, at start-up, on the thread that creates the endpoint, after the
 * properties were applied; a setter's {@link IllegalArgumentException} fails the start.
 *
 * <pre>{@code
 * @Bean
 * WebSocketOptionsCustomizer commandRate() {
 *     return options -> options.commandRate(2, 4);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface WebSocketOptionsCustomizer {

    /**
     * Customizes the options under construction.
     *
     * @param options the builder, with the authenticator, the command handler and the properties applied
     */
    void customize(WebSocketOptions.Builder options);
}
