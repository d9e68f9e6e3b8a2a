package io.lifeboat.mailstore;

/**
 * A folder with its message counts.
 *
 * @param role the system folder it is, or null for a custom folder
 * @param name the custom name, or the English name of a system folder
 * @param unread messages without the seen flag
 */
public record MailFolder(long id, FolderRole role, String name, long total, long unread) {

  public boolean isSystem() {
    return role != null;
  }
}
