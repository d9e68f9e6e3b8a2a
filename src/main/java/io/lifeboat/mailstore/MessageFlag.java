package io.lifeboat.mailstore;

/** The flags of a stored message, as IMAP defines them (RFC 9051, section 2.3.2). */
public enum MessageFlag {
  SEEN("seen"),
  ANSWERED("answered"),
  FLAGGED("flagged"),
  /** Marked for deletion by a client; the message stays in its folder until it is deleted. */
  DELETED("deleted");

  private final String column;

  MessageFlag(String column) {
    this.column = column;
  }

  String column() {
    return column;
  }
}
