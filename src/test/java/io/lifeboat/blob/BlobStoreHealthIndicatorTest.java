package io.lifeboat.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class BlobStoreHealthIndicatorTest {

  @TempDir Path temp;

  @Test
  void writableStoreIsUpAndKeepsNoProbe() throws IOException {
    FileSystemBlobStore store = new FileSystemBlobStore(temp.resolve("blobs"));

    Health health = new BlobStoreHealthIndicator(store).health();

    assertEquals(Status.UP, health.getStatus());
    assertEquals(0, store.deleteAll(BlobStoreHealthIndicator.PROBE_PREFIX));
  }

  @Test
  void unwritableStoreIsDown() throws IOException {
    Path root = temp.resolve("blobs");
    FileSystemBlobStore store = new FileSystemBlobStore(root);
    Files.delete(root);
    Files.writeString(root, "not a folder");

    Health health = new BlobStoreHealthIndicator(store).health();

    assertEquals(Status.DOWN, health.getStatus());
  }
}
