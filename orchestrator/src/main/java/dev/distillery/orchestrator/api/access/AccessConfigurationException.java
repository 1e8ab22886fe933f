package dev.distillery.orchestrator.api.access;

import io.quarkus.runtime.configuration.ConfigurationException;

import java.util.Set;

/**
 * {@code distillery serve} cannot start as configured: a network-facing host without an access token, or a token
 * that is unusable. The message says what to change. Being a Quarkus {@link ConfigurationException}, a failed start
 * prints just this message (no stack trace) and exits with status 1.
 *
 * <p>Usage: {@code try { AccessPolicy.forServing(host, token, file); } catch (AccessConfigurationException e) { print e.getMessage(); }}
 */
public final class AccessConfigurationException extends ConfigurationException {

    public AccessConfigurationException(String message) {
        super("distillery serve: " + message,
                Set.of("quarkus.http.host", "distillery.access-token", "distillery.access-token-file"));
    }
}
