package io.lifeboat.blob;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code lifeboat.blob.*}.
 *
 * @param directory root folder of the filesystem blob store; {@code application.properties} sets it
 *     to {@code blobs} in the data folder
 */
@ConfigurationProperties(prefix = "lifeboat.blob")
public record BlobStoreProperties(Path directory) {

  public BlobStoreProperties {
    if (directory == null) {
      directory = Path.of("lifeboat-data", "blobs");
    }
  }
}
