package io.lifeboat.blob;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Creates the blob store: the filesystem store until an S3-compatible one is added. */
@Configuration
@EnableConfigurationProperties(BlobStoreProperties.class)
public class BlobStoreConfig {

  private static final Logger log = LoggerFactory.getLogger(BlobStoreConfig.class);

  @Bean
  BlobStore blobStore(BlobStoreProperties properties) throws IOException {
    FileSystemBlobStore store = new FileSystemBlobStore(properties.directory());
    log.info("Blob store started on folder {}", store.root());
    return store;
  }

  @Bean
  BlobStoreHealthIndicator blobStoreHealthIndicator(BlobStore blobStore) {
    return new BlobStoreHealthIndicator(blobStore);
  }
}
