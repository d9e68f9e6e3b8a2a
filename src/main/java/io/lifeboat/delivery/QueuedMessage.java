package io.lifeboat.delivery;

import java.time.Instant;
import java.util.List;

/** A queued message as the operator API lists it: envelope and state, never content. */
public record QueuedMessage(
    String id,
    String sender,
    Origin origin,
    long sizeBytes,
    Instant received,
    String sessionId,
    String clientAddress,
    List<QueueRow> recipients) {}
