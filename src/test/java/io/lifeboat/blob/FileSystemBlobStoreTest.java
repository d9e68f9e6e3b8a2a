package io.lifeboat.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest implements BlobStoreContract {

  @TempDir Path root;

  private FileSystemBlobStore store;

  @Override
  public BlobStore store() throws IOException {
    store = new FileSystemBlobStore(root.resolve("blobs"));
    return store;
  }

  @Test
  void blobsAreFannedOutBelowTheirPrefix() throws IOException {
    store().put("mailbox-7/abc", out -> out.write(1));
    List<Path> files = files();
    assertEquals(1, files.size());
    Path relative = store.root().relativize(files.getFirst());
    assertEquals(3, relative.getNameCount(), relative.toString());
    assertEquals("mailbox-7", relative.getName(0).toString());
    assertTrue(relative.getName(1).toString().matches("_[0-9a-f]{2}"), relative.toString());
    assertEquals("abc", relative.getName(2).toString());
  }

  @Test
  void failedPutLeavesNoTemporaryFile() throws IOException {
    BlobStore blobs = store();
    assertThrows(
        IOException.class,
        () ->
            blobs.put(
                "a/b",
                out -> {
                  out.write(new byte[10]);
                  throw new IOException("source failed");
                }));
    blobs.put("a/c", out -> out.write(1));
    assertEquals(1, files().size(), files().toString());
  }

  @Test
  void deleteAllRemovesLeftoverTemporaryFiles() throws IOException {
    BlobStore blobs = store();
    blobs.put("mailbox-3/a", out -> out.write(1));
    Path leftover = files().getFirst().resolveSibling(".a.crashed.tmp");
    Files.write(leftover, new byte[] {1});

    assertEquals(1, blobs.deleteAll("mailbox-3"));

    assertEquals(List.of(), files());
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> walk = Files.walk(store.root())) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }
}
