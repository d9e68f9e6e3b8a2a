package io.lifeboat.blob;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A {@link BlobStore} in a local folder. The key {@code a/b/name} is stored as {@code
 * ROOT/a/b/_xy/name}, where {@code xy} are the first two hex digits of the SHA-256 of {@code name},
 * so that no folder grows past a few thousand entries. Fan-out folders start with {@code _}, which
 * no key segment can, so they never collide with a prefix.
 *
 * <p>Durability: a blob is written to a temporary file beside its final name, forced to disk,
 * renamed atomically, and then the folder is forced so that the rename itself survives a crash. A
 * reader therefore sees either the old blob or the complete new one. Temporary files start with
 * {@code .}, which no key segment can; a crash may leave one behind, and {@link #deleteAll} removes
 * those under its prefix as well.
 */
public class FileSystemBlobStore implements BlobStore {

  private static final int WRITE_BUFFER_BYTES = 64 * 1024;

  private final Path root;

  public FileSystemBlobStore(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    Files.createDirectories(this.root);
  }

  public Path root() {
    return root;
  }

  @Override
  public void put(String key, ContentWriter content) throws IOException {
    Path target = pathOf(key);
    Path folder = target.getParent();
    createFolders(folder);
    Path temporary = folder.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      writeAndForce(temporary, content);
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    forceFolder(folder);
  }

  @Override
  public InputStream open(String key) throws IOException {
    try {
      return Files.newInputStream(pathOf(key));
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(key);
    }
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(pathOf(key));
  }

  @Override
  public boolean delete(String key) throws IOException {
    Path path = pathOf(key);
    if (!Files.deleteIfExists(path)) {
      return false;
    }
    forceFolder(path.getParent());
    return true;
  }

  @Override
  public long deleteAll(String prefix) throws IOException {
    Path folder = folderOf(BlobStore.requireValidKey(prefix));
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(folder)) {
      paths = new ArrayList<>(walk.toList());
    }
    long blobs = 0;
    // Deepest paths first, so that each folder is empty when its turn comes.
    for (Path path : paths.reversed()) {
      if (Files.isRegularFile(path) && !path.getFileName().toString().startsWith(".")) {
        blobs++;
      }
      try {
        Files.deleteIfExists(path);
      } catch (DirectoryNotEmptyException raced) {
        // A concurrent put created a file in this folder; it stays, and so does the folder.
      }
    }
    forceFolder(folder.getParent());
    return blobs;
  }

  private Path pathOf(String key) {
    BlobStore.requireValidKey(key);
    int slash = key.lastIndexOf('/');
    String name = key.substring(slash + 1);
    Path folder = slash < 0 ? root : folderOf(key.substring(0, slash));
    return folder.resolve(fanOut(name)).resolve(name);
  }

  private Path folderOf(String prefix) {
    Path folder = root;
    for (String segment : prefix.split("/")) {
      folder = folder.resolve(segment);
    }
    return folder;
  }

  private static String fanOut(String name) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.US_ASCII));
      return "_" + HexFormat.of().toHexDigits(digest[0]);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static void writeAndForce(Path temporary, ContentWriter content) throws IOException {
    try (FileChannel channel =
        FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      OutputStream out =
          new BufferedOutputStream(
              new UnclosableOutputStream(Channels.newOutputStream(channel)), WRITE_BUFFER_BYTES);
      content.writeTo(out);
      out.flush();
      channel.force(true);
    }
  }

  /**
   * Creates {@code folder} and any missing parents, and forces each parent that gained an entry, so
   * that a blob written below does not vanish with its folder after a crash.
   */
  private void createFolders(Path folder) throws IOException {
    if (Files.isDirectory(folder)) {
      return;
    }
    Path existing = folder;
    while (!Files.isDirectory(existing)) {
      existing = existing.getParent();
    }
    Files.createDirectories(folder);
    for (Path created = folder; !created.equals(existing); created = created.getParent()) {
      forceFolder(created.getParent());
    }
  }

  private static void forceFolder(Path folder) throws IOException {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Lets a {@link ContentWriter} close its stream without closing the channel before force. */
  private static final class UnclosableOutputStream extends FilterOutputStream {
    UnclosableOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
