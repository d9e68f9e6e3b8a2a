package io.lifeboat.sync;

/** The state of a sync run, as the report and the API name it. */
public enum SyncOutcome {
  /** The file is complete and waits for its turn, or is being processed. */
  QUEUED("queued"),
  /** Every change of the file was applied in one transaction. */
  APPLIED("applied"),
  /** The file breaks the format or a field rule; nothing was changed. */
  INVALID("invalid"),
  /** The file would delete more users than the customer's limit allows; nothing was changed. */
  OVER_LIMIT("over-limit"),
  /** Processing failed for a reason outside the file; nothing was changed. */
  FAILED("failed");

  private final String wireName;

  SyncOutcome(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
