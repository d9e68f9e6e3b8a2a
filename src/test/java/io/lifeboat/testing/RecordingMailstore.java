package io.lifeboat.testing;

import io.lifeboat.mailstore.LocalDelivery;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * A stand-in for the mailstore until it is merged: copies each delivered message to {@code
 * <folder>/<userId>/<deliveryKey>.eml}, flushed to disk before it returns, and stores nothing for a
 * delivery key that it has seen before, as the {@link LocalDelivery} contract requires.
 */
public class RecordingMailstore implements LocalDelivery {

  private final Path folder;

  public RecordingMailstore(Path folder) {
    this.folder = folder;
  }

  @Override
  public synchronized boolean deliverToInbox(long userId, String deliveryKey, MessageSource source)
      throws IOException {
    Path inbox = folder.resolve(Long.toString(userId));
    Files.createDirectories(inbox);
    Path target = inbox.resolve(deliveryKey + ".eml");
    if (Files.exists(target)) {
      return false;
    }
    Path temporary = inbox.resolve(deliveryKey + ".tmp");
    try (FileChannel channel =
            FileChannel.open(
                temporary,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        OutputStream out = java.nio.channels.Channels.newOutputStream(channel);
        InputStream raw = source.open()) {
      raw.transferTo(out);
      channel.force(true);
    }
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    return true;
  }

  /** Returns the messages delivered to a user, in no particular order. */
  public List<Path> inbox(long userId) throws IOException {
    Path inbox = folder.resolve(Long.toString(userId));
    if (!Files.isDirectory(inbox)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(inbox)) {
      return files.filter(f -> f.toString().endsWith(".eml")).toList();
    }
  }

  /** Returns every message delivered to any user. */
  public List<Path> all() throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(f -> f.toString().endsWith(".eml")).toList();
    }
  }
}
