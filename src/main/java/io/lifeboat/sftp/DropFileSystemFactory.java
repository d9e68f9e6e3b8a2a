package io.lifeboat.sftp;

import io.lifeboat.sync.DropFolders;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.Map;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.file.root.RootedFileSystemProvider;
import org.apache.sshd.common.session.SessionContext;

/**
 * Gives each SFTP session a file system rooted at its customer's folder, so that {@code /} is that
 * folder and no path, {@code ..} included, leads out of it. The login name is the customer id.
 */
final class DropFileSystemFactory implements FileSystemFactory {

  private final DropFolders folders;

  DropFileSystemFactory(DropFolders folders) {
    this.folders = folders;
  }

  @Override
  public Path getUserHomeDir(SessionContext session) throws IOException {
    return folders.customer(session.getUsername());
  }

  @Override
  public FileSystem createFileSystem(SessionContext session) throws IOException {
    Path root = folders.ensure(session.getUsername());
    return new RootedFileSystemProvider().newFileSystem(root, Map.of());
  }
}
