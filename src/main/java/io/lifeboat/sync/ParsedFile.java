package io.lifeboat.sync;

import io.lifeboat.directory.UserDraft;
import java.util.List;
import java.util.Set;

/**
 * A sync file after reading and checking.
 *
 * @param users the users listed, in file order, as the file spells them
 * @param emails the listed addresses, lower-case
 * @param errors the first errors found, at most the report limit
 * @param errorCount all errors found, also those not listed
 * @param lines lines read, blank lines and the header included
 * @param header whether the first line was a header and was skipped
 * @param bytes size of the file
 */
record ParsedFile(
    List<UserDraft> users,
    Set<String> emails,
    List<SyncError> errors,
    int errorCount,
    int lines,
    boolean header,
    long bytes) {

  boolean valid() {
    return errorCount == 0;
  }
}
