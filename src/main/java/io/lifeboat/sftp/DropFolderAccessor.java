package io.lifeboat.sftp;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.CopyOption;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.security.Principal;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * The rules of a customer's SFTP folder, applied to every file operation of the SFTP subsystem:
 * files may be written, renamed, truncated and deleted only directly inside {@code upload/};
 * everything else is read-only. No folder, link or copy can be made, and no owner, group or ACL
 * changed, so that nothing can ever point outside the folder.
 */
final class DropFolderAccessor implements SftpFileSystemAccessor {

  private static final Set<StandardOpenOption> WRITING =
      EnumSet.of(
          StandardOpenOption.WRITE,
          StandardOpenOption.APPEND,
          StandardOpenOption.CREATE,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.DELETE_ON_CLOSE);

  @Override
  public SeekableByteChannel openFile(
      SftpSubsystemProxy subsystem,
      FileHandle fileHandle,
      Path file,
      String handle,
      Set<? extends OpenOption> options,
      FileAttribute<?>... attrs)
      throws IOException {
    if (isWriting(options)) {
      requireUploadFile(file, "write");
    }
    return SftpFileSystemAccessor.super.openFile(
        subsystem, fileHandle, file, handle, options, attrs);
  }

  static boolean isWriting(Set<? extends OpenOption> options) {
    return options.stream().anyMatch(WRITING::contains);
  }

  @Override
  public void createDirectory(SftpSubsystemProxy subsystem, Path path) throws IOException {
    throw denied(path, "folders cannot be created; upload files into /upload/");
  }

  @Override
  public void createLink(SftpSubsystemProxy subsystem, Path link, Path existing, boolean symLink)
      throws IOException {
    throw denied(link, "links cannot be created");
  }

  @Override
  public void copyFile(
      SftpSubsystemProxy subsystem, Path src, Path dst, Collection<CopyOption> opts)
      throws IOException {
    throw denied(dst, "files cannot be copied on the server; upload them");
  }

  @Override
  public void renameFile(
      SftpSubsystemProxy subsystem, Path oldPath, Path newPath, Collection<CopyOption> opts)
      throws IOException {
    requireUploadFile(oldPath, "rename");
    requireUploadFile(newPath, "rename");
    SftpFileSystemAccessor.super.renameFile(subsystem, oldPath, newPath, opts);
  }

  @Override
  public void removeFile(SftpSubsystemProxy subsystem, Path path, boolean isDirectory)
      throws IOException {
    if (isDirectory) {
      throw denied(path, "folders cannot be removed");
    }
    requireUploadFile(path, "delete");
    SftpFileSystemAccessor.super.removeFile(subsystem, path, isDirectory);
  }

  @Override
  public void setFileAttribute(
      SftpSubsystemProxy subsystem,
      Path file,
      String view,
      String attribute,
      Object value,
      LinkOption... options)
      throws IOException {
    requireUploadFile(file, "change");
    SftpFileSystemAccessor.super.setFileAttribute(subsystem, file, view, attribute, value, options);
  }

  @Override
  public void setFilePermissions(
      SftpSubsystemProxy subsystem,
      Path path,
      Set<PosixFilePermission> perms,
      LinkOption... options)
      throws IOException {
    // Uploaded files keep the server's permissions, so that a client cannot make them unreadable
    // for the sync. A request to change them in upload/ succeeds without effect.
    requireUploadFile(path, "change");
  }

  @Override
  public void setFileOwner(
      SftpSubsystemProxy subsystem, Path path, Principal value, LinkOption... options)
      throws IOException {
    throw denied(path, "owners cannot be changed");
  }

  @Override
  public void setGroupOwner(
      SftpSubsystemProxy subsystem, Path path, Principal value, LinkOption... options)
      throws IOException {
    throw denied(path, "groups cannot be changed");
  }

  @Override
  public void setFileAccessControl(
      SftpSubsystemProxy subsystem, Path path, List<AclEntry> acl, LinkOption... options)
      throws IOException {
    throw denied(path, "access control lists cannot be changed");
  }

  private static void requireUploadFile(Path path, String action) throws AccessDeniedException {
    if (!DropPaths.isUploadFile(path)) {
      throw denied(path, "only files directly in /upload/ can be " + pastTense(action));
    }
  }

  private static String pastTense(String action) {
    return switch (action) {
      case "write" -> "written";
      case "rename" -> "renamed";
      case "delete" -> "deleted";
      default -> "changed";
    };
  }

  private static AccessDeniedException denied(Path path, String reason) {
    return new AccessDeniedException(path.toString(), null, reason);
  }
}
