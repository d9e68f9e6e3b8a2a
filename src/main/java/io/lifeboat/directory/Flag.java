package io.lifeboat.directory;

import java.util.Locale;
import java.util.Optional;

/** The user flags that the API may switch. {@code activation} is set only by a password. */
public enum Flag {
  FAILOVER("failover"),
  ACCESS("access");

  private final String column;

  Flag(String column) {
    this.column = column;
  }

  /** Returns the column name, which is also the flag's name in the API. */
  public String column() {
    return column;
  }

  public static Optional<Flag> fromName(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "failover" -> Optional.of(FAILOVER);
      case "access" -> Optional.of(ACCESS);
      default -> Optional.empty();
    };
  }
}
