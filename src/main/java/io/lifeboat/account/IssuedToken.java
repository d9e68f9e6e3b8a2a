package io.lifeboat.account;

import java.time.Instant;

/**
 * A freshly issued token, returned once to the API client.
 *
 * @param warning why no notification mail was sent although one was requested, or null
 */
public record IssuedToken(String token, Instant expiry, String url, String warning) {}
