package io.lifeboat.directory;

/**
 * Destroys what a user leaves outside the directory (mailbox, data key, blobs) when the user is
 * purged. Called inside the purge transaction before the user row is deleted; an exception keeps
 * the user for the next run.
 */
public interface MailboxPurger {
  void purge(User user);
}
