package io.lifeboat.mailstore;

/**
 * The system folders. The Inbox exists in every mailbox; the others are created at first use. They
 * cannot be renamed or deleted, and no custom folder may take their names.
 */
public enum FolderRole {
  INBOX("Inbox"),
  DRAFTS("Drafts"),
  SENT("Sent"),
  TRASH("Trash");

  private final String displayName;

  FolderRole(String displayName) {
    this.displayName = displayName;
  }

  /** Returns the English name, which the webmail translates. */
  public String displayName() {
    return displayName;
  }
}
