package io.lifeboat.delivery;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A spooled message handed to Angus Mail's SMTP transport as it is: {@link #writeTo} streams the
 * decrypted spool file byte for byte, so the message is neither parsed nor held in memory, and
 * headers are not rewritten. The transport adds the dot-stuffing of DATA.
 */
final class RawMessage extends MimeMessage {

  private final Spool spool;
  private final String queueId;
  private final long size;

  RawMessage(Session session, Spool spool, String queueId, long size) {
    super(session);
    this.spool = spool;
    this.queueId = queueId;
    this.size = size;
  }

  @Override
  public void writeTo(OutputStream out, String[] ignoreHeaders) throws IOException {
    try (InputStream in = spool.open(queueId)) {
      in.transferTo(out);
    }
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    writeTo(out, null);
  }

  @Override
  public int getSize() {
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  /** The spooled message is final; Angus must not add or rewrite headers. */
  @Override
  public void saveChanges() {}
}
