package io.lifeboat.sftp;

import io.lifeboat.sync.DropFolders;
import io.lifeboat.sync.SyncQueue;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.CopyOption;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when an upload of a {@code .csv} file in {@code upload/} is complete and hands it to the
 * sync. Complete means that the client closed the file with SSH_FXP_CLOSE after writes that all
 * succeeded, or renamed a file to its final {@code .csv} name. A session that ends with the file
 * still open is an interrupted upload: MINA SSHD then closes the handle without a close event, and
 * the partial file is never processed.
 *
 * <p>The hand-over waits {@code lifeboat.sync.pickup-delay} on a thread of its own, so that the
 * SFTP session's thread returns at once and a client can still set the file's time after closing
 * it. A file that is open for writing again by then is left for its next close.
 */
final class UploadListener implements SftpEventListener {

  private static final Logger log = LoggerFactory.getLogger(UploadListener.class);

  /** The state of one handle opened for writing. */
  private static final class Upload {
    private volatile String failure;
    private volatile long size;
  }

  private static final AttributeKey<Upload> UPLOAD = new AttributeKey<>();

  private final DropFolders folders;
  private final SyncQueue queue;
  private final long maxBytes;
  private final Duration pickupDelay;
  private final ScheduledExecutorService timer;

  /** Files with handles open for writing, with how many such handles are open. */
  private final Map<Path, Integer> openForWriting = new ConcurrentHashMap<>();

  UploadListener(DropFolders folders, SyncQueue queue, long maxBytes, Duration pickupDelay) {
    this.folders = folders;
    this.queue = queue;
    this.maxBytes = maxBytes;
    this.pickupDelay = pickupDelay;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "sftp-pickup");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Stops taking uploads. Pick-ups already scheduled still run, so that a file closed just before a
   * stop reaches the pending folder and is synced after the restart.
   */
  void shutdown() {
    timer.shutdown();
    try {
      if (!timer.awaitTermination(pickupDelay.toMillis() + 5000, TimeUnit.MILLISECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      timer.shutdownNow();
    }
  }

  @Override
  public void receivedExtension(ServerSession session, String extension, int id)
      throws IOException {
    // copy-data writes through a handle without the write events, which enforce the size limit.
    if (SftpConstants.EXT_COPY_DATA.equals(extension)) {
      throw new AccessDeniedException(extension, null, "copying on the server is not supported");
    }
  }

  @Override
  public void open(ServerSession session, String remoteHandle, Handle localHandle) {
    if (localHandle instanceof FileHandle file
        && DropFolderAccessor.isWriting(file.getOpenOptions())) {
      file.setAttribute(UPLOAD, new Upload());
      openForWriting.merge(real(session, file.getFile()), 1, Integer::sum);
    }
  }

  @Override
  public void writing(
      ServerSession session,
      String remoteHandle,
      FileHandle localHandle,
      long offset,
      byte[] data,
      int dataOffset,
      int dataLen)
      throws IOException {
    Upload upload = localHandle.getAttribute(UPLOAD);
    if (upload != null && offset + dataLen > maxBytes) {
      upload.failure =
          "the upload is larger than "
              + maxBytes
              + " bytes, the limit set by lifeboat.sync.max-file-size";
      throw new FileSystemException(localHandle.getFile().toString(), null, upload.failure);
    }
  }

  @Override
  public void written(
      ServerSession session,
      String remoteHandle,
      FileHandle localHandle,
      long offset,
      byte[] data,
      int dataOffset,
      int dataLen,
      Throwable thrown) {
    Upload upload = localHandle.getAttribute(UPLOAD);
    if (upload == null) {
      return;
    }
    if (thrown != null && upload.failure == null) {
      upload.failure = "a write failed at byte " + offset + ": " + thrown.getMessage();
    }
    upload.size = Math.max(upload.size, offset + dataLen);
  }

  @Override
  public void closed(
      ServerSession session, String remoteHandle, Handle localHandle, Throwable thrown) {
    if (!(localHandle instanceof FileHandle file)) {
      return;
    }
    Upload upload = file.getAttribute(UPLOAD);
    if (upload == null) {
      return;
    }
    Path real = real(session, file.getFile());
    released(real);
    if (!DropPaths.isSyncFile(file.getFile())) {
      return;
    }
    String customerId = session.getUsername();
    String address = DropLoginAuthenticator.clientAddress(session);
    String failure =
        upload.failure != null
            ? upload.failure
            : thrown != null ? "closing the file failed: " + thrown.getMessage() : null;
    if (failure != null) {
      log.info(
          "SFTP upload failed customer={} file={} client={} reason={}",
          customerId,
          real.getFileName(),
          address,
          failure);
      queue.uploadFailed(customerId, real, customerId, address, failure + "; upload it again");
      return;
    }
    log.info(
        "SFTP upload complete customer={} file={} bytes={} client={}",
        customerId,
        real.getFileName(),
        upload.size,
        address);
    schedulePickup(customerId, real, address);
  }

  @Override
  public void exiting(ServerSession session, Handle handle) {
    if (handle instanceof FileHandle file && file.getAttribute(UPLOAD) != null) {
      Path real = real(session, file.getFile());
      released(real);
      log.info(
          "SFTP upload interrupted customer={} file={} client={}; the partial file is not processed",
          session.getUsername(),
          real.getFileName(),
          DropLoginAuthenticator.clientAddress(session));
    }
  }

  @Override
  public void moved(
      ServerSession session,
      Path srcPath,
      Path dstPath,
      Collection<CopyOption> opts,
      Throwable thrown) {
    if (thrown == null && DropPaths.isSyncFile(dstPath)) {
      String address = DropLoginAuthenticator.clientAddress(session);
      Path real = real(session, dstPath);
      log.info(
          "SFTP upload renamed customer={} file={} client={}",
          session.getUsername(),
          real.getFileName(),
          address);
      schedulePickup(session.getUsername(), real, address);
    }
  }

  private void schedulePickup(String customerId, Path real, String address) {
    timer.schedule(
        () -> pickUp(customerId, real, address), pickupDelay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void pickUp(String customerId, Path real, String address) {
    if (openForWriting.containsKey(real)) {
      log.debug("SFTP upload open again customer={} file={}", customerId, real.getFileName());
      return;
    }
    try {
      queue.uploadComplete(customerId, real, customerId, address);
    } catch (RuntimeException e) {
      log.error("SFTP pick-up failed customer={} file={}", customerId, real.getFileName(), e);
    }
  }

  private void released(Path real) {
    openForWriting.computeIfPresent(real, (path, count) -> count > 1 ? count - 1 : null);
  }

  private Path real(ServerSession session, Path path) {
    return DropPaths.real(folders.customer(session.getUsername()), path);
  }
}
