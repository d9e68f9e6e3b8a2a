package io.lifeboat.mailstore;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON form of {@link MessageMetadata}, the plaintext that is encrypted into a message row. */
final class MetadataCodec {

  /**
   * Unknown properties are ignored so that rows written by a newer version stay readable after a
   * rollback.
   */
  private static final JsonMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private MetadataCodec() {}

  static byte[] encode(MessageMetadata metadata) {
    return JSON.writeValueAsBytes(metadata);
  }

  static MessageMetadata decode(byte[] json) {
    return JSON.readValue(json, MessageMetadata.class);
  }
}
