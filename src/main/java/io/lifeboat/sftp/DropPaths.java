package io.lifeboat.sftp;

import io.lifeboat.sync.DropFolders;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Paths as an SFTP client sees them: rooted at the customer's folder, so {@code /upload/users.csv}
 * is the file {@code users.csv} in the customer's {@code upload/} folder.
 */
final class DropPaths {

  private DropPaths() {}

  /** Returns whether the path names a file directly inside {@code /upload/}. */
  static boolean isUploadFile(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    return absolute.getNameCount() == 2
        && DropFolders.UPLOAD.equals(absolute.getName(0).toString());
  }

  /** Returns whether the path names a file in {@code /upload/} whose name ends in {@code .csv}. */
  static boolean isSyncFile(Path path) {
    return isUploadFile(path)
        && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
  }

  /** Returns the real file behind a client path, inside {@code customerFolder}. */
  static Path real(Path customerFolder, Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path real = customerFolder;
    for (Path name : absolute) {
      real = real.resolve(name.toString());
    }
    if (!real.normalize().startsWith(customerFolder)) {
      throw new IllegalArgumentException("path outside the customer's folder: " + path);
    }
    return real;
  }
}
