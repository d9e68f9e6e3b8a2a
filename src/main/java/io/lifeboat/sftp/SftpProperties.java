package io.lifeboat.sftp;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the SFTP drop under {@code lifeboat.sftp.*}.
 *
 * @param enabled whether the SFTP server runs
 * @param port TCP port of the listener, or 0 for a free one
 * @param host address to listen on, or empty for all addresses
 * @param maxSessionsPerLogin SSH sessions one login may have open at the same time
 * @param idleTimeout time after which a session without traffic is closed
 * @param bindRetryInterval wait before another try when the port cannot be bound
 */
@ConfigurationProperties(prefix = "lifeboat.sftp")
public record SftpProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("2222") int port,
    String host,
    @DefaultValue("10") int maxSessionsPerLogin,
    @DefaultValue("10m") Duration idleTimeout,
    @DefaultValue("30s") Duration bindRetryInterval) {}
