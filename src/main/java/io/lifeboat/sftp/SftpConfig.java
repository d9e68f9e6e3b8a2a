package io.lifeboat.sftp;

import io.lifeboat.account.PasswordHasher;
import io.lifeboat.operator.SftpLoginService;
import io.lifeboat.security.AuthThrottle;
import io.lifeboat.sync.DropFolders;
import io.lifeboat.sync.SyncProperties;
import io.lifeboat.sync.SyncQueue;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the SFTP drop when {@code lifeboat.sftp.enabled} is true, the default. When it is false,
 * neither the server nor its health component exists.
 */
@Configuration
@ConditionalOnProperty(name = "lifeboat.sftp.enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(SftpProperties.class)
public class SftpConfig {

  @Bean
  SftpServer sftpServer(
      SftpProperties properties,
      SyncProperties sync,
      DropFolders folders,
      SyncQueue queue,
      SftpLoginService logins,
      PasswordHasher hasher,
      AuthThrottle throttle) {
    DropLoginAuthenticator authenticator = new DropLoginAuthenticator(logins, hasher, throttle);
    UploadListener uploads =
        new UploadListener(folders, queue, sync.maxFileSize().toBytes(), sync.pickupDelay());
    return new SftpServer(properties, folders, authenticator, uploads);
  }

  @Bean
  SftpHealthIndicator sftpHealthIndicator(SftpServer server) {
    return new SftpHealthIndicator(server);
  }
}
