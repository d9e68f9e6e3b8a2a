package io.lifeboat.delivery;

import io.lifeboat.config.LifeboatProperties;
import io.lifeboat.crypto.MasterKey;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * The spool folder {@code <data-dir>/spool}: one file per queued message, named by its queue id and
 * encrypted with {@link SpoolCipher}. A message is written to {@code spool/incoming} first and
 * moved into place by {@link Draft#commit} only after the file is flushed to disk (fsync), so a
 * file under its queue id is always complete. Files left in {@code incoming} belong to messages
 * that never got {@code 250} and are removed at startup.
 */
@Component
public class Spool {

  /**
   * Buffer for the small header writes of a spool file. Segments of {@link SpoolCipher} are larger
   * and pass through it.
   */
  private static final int BUFFER_BYTES = 8 * 1024;

  private final Path folder;
  private final Path incoming;
  private final MasterKey masterKey;

  public Spool(LifeboatProperties properties, MasterKey masterKey) {
    this.masterKey = masterKey;
    this.folder = properties.dataDir().resolve("spool").toAbsolutePath();
    this.incoming = folder.resolve("incoming");
    try {
      Files.createDirectories(incoming);
      try (Stream<Path> leftovers = Files.list(incoming)) {
        for (Path leftover : leftovers.toList()) {
          Files.deleteIfExists(leftover);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create or clean the spool folder " + folder, e);
    }
  }

  /** Starts a new spool file; close the draft without committing to discard it. */
  public Draft create() throws IOException {
    Path file = incoming.resolve(UUID.randomUUID() + ".tmp");
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      return new Draft(file, channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      Files.deleteIfExists(file);
      throw e;
    }
  }

  public Path path(String queueId) {
    if (!QueueIds.isValid(queueId)) {
      throw new IllegalArgumentException("invalid queue id: " + queueId);
    }
    return folder.resolve(queueId);
  }

  /** Opens a spooled message for reading, decrypted. */
  public InputStream open(String queueId) throws IOException {
    return SpoolCipher.decrypting(Files.newInputStream(path(queueId)), masterKey);
  }

  public boolean exists(String queueId) {
    return Files.exists(path(queueId));
  }

  public void delete(String queueId) throws IOException {
    Files.deleteIfExists(path(queueId));
  }

  /** Returns the queue ids of the spool files last modified before {@code cutoff}. */
  public List<String> idsOlderThan(Instant cutoff) throws IOException {
    List<String> ids = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (QueueIds.isValid(name)
            && Files.isRegularFile(file)
            && Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
          ids.add(name);
        }
      }
    } catch (NoSuchFileException e) {
      return ids;
    }
    return ids;
  }

  /** Flushes the spool folder, so that files moved into it keep their names after a crash. */
  void syncFolder() throws IOException {
    try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  /** A spool file being written. Not thread-safe. */
  public final class Draft implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final OutputStream file;
    private final OutputStream encrypted;
    private boolean committed;

    private Draft(Path path, FileChannel channel) throws IOException {
      this.path = path;
      this.channel = channel;
      this.file = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES);
      this.encrypted = SpoolCipher.encrypting(file, masterKey);
    }

    /** Returns the stream to write the message to, in clear; it is encrypted on the way. */
    public OutputStream output() {
      return encrypted;
    }

    /**
     * Flushes the message to disk and moves it into place under {@code queueId}. The new name is
     * durable only after {@link #syncFolder} returns, which the caller runs before it confirms the
     * message, once for many messages under load.
     */
    public Path commit(String queueId) throws IOException {
      encrypted.close();
      file.flush();
      channel.force(true);
      channel.close();
      Path target = path(queueId);
      Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
      committed = true;
      return target;
    }

    /** Deletes the file unless it was committed. */
    @Override
    public void close() throws IOException {
      if (!committed) {
        channel.close();
        Files.deleteIfExists(path);
      }
    }
  }
}
