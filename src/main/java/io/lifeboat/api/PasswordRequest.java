package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Body of {@code PUT /{USER}/password}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PasswordRequest(String token, String password) {}
