package io.lifeboat.crypto;

import java.io.IOException;

/**
 * One kind of data sealed or wrapped under the master key, such as mailbox data keys or spool file
 * headers. A rotation calls {@link #rewrapBatch} until it returns 0; each call must leave every
 * item it touched readable by both the old and the new key's holder, so that the job can stop at
 * any point and resume.
 */
public interface MasterKeyRewrapper {

  /** Returns a short name for progress reports and logs, such as {@code mailboxKeys}. */
  String name();

  /** Counts the items not yet re-wrapped under the master key with id {@code keyId}. */
  long countPending(String keyId) throws IOException;

  /**
   * Re-wraps up to {@code limit} pending items under the primary master key, whose id is {@code
   * keyId}, and records that key for each; returns how many it re-wrapped. Items changed
   * concurrently are skipped and stay pending.
   */
  int rewrapBatch(String keyId, int limit) throws IOException;
}
