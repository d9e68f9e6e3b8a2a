package io.lifeboat.delivery;

import io.lifeboat.crypto.MasterKey;
import io.lifeboat.crypto.MasterKeyRewrapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Re-seals the data key in the header of each spool file in a master key rotation. The header
 * itself shows which key sealed it, so spool files need no database column.
 */
@Component
@Order(5)
class SpoolKeyRewrapper implements MasterKeyRewrapper {

  private final Spool spool;
  private final MasterKey masterKey;

  SpoolKeyRewrapper(Spool spool, MasterKey masterKey) {
    this.spool = spool;
    this.masterKey = masterKey;
  }

  @Override
  public String name() {
    return "spoolFiles";
  }

  @Override
  public long countPending(String keyId) throws IOException {
    long pending = 0;
    for (String queueId : spool.idsOlderThan(Instant.MAX)) {
      try (FileChannel channel = FileChannel.open(spool.path(queueId), StandardOpenOption.READ)) {
        if (!SpoolCipher.isHeaderSealedWith(channel, masterKey, keyId)) {
          pending++;
        }
      } catch (NoSuchFileException delivered) {
        // Delivered and removed since the listing.
      }
    }
    return pending;
  }

  @Override
  public int rewrapBatch(String keyId, int limit) throws IOException {
    if (!keyId.equals(masterKey.primaryKeyId())) {
      throw new IllegalStateException(
          "key " + keyId + " is not the primary master key " + masterKey.primaryKeyId());
    }
    int done = 0;
    for (String queueId : spool.idsOlderThan(Instant.MAX)) {
      if (done == limit) {
        break;
      }
      // WRITE without CREATE: a file removed after delivery is not brought back.
      try (FileChannel channel =
          FileChannel.open(
              spool.path(queueId), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        if (SpoolCipher.rewrapHeader(channel, masterKey)) {
          done++;
        }
      } catch (NoSuchFileException delivered) {
        // Delivered and removed since the listing.
      }
    }
    return done;
  }
}
