package io.lifeboat.directory;

/**
 * A mail domain of a customer and the primary server that receives its mail while failover is off.
 */
public record CustomerDomain(String name, String primaryHost, int primaryPort) {}
