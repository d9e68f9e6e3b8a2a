package io.lifeboat.blob;

import java.io.IOException;

/** A blob key that names no stored blob. */
public class BlobNotFoundException extends IOException {
  public BlobNotFoundException(String key) {
    super("blob not found: " + key);
  }
}
