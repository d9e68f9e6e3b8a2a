package io.lifeboat.delivery;

import java.time.Instant;

/** A recipient row as the operator API lists it: envelope and state, never content. */
public record QueueRow(
    long id,
    String recipient,
    String state,
    String route,
    int attempts,
    Instant nextAttempt,
    String lastError) {}
