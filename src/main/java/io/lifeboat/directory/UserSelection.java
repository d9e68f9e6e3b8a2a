package io.lifeboat.directory;

import java.util.List;

/**
 * A filter over one customer's users: each flag condition is ignored when null, and a non-empty
 * group list keeps users that are in at least one of the groups. Deleted users are never selected.
 */
public record UserSelection(
    Boolean activation, Boolean access, Boolean failover, List<String> groups) {

  public static final int MAX_GROUPS = 16;

  public UserSelection {
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  public static UserSelection all() {
    return new UserSelection(null, null, null, List.of());
  }

  public static UserSelection ofGroups(List<String> groups) {
    return new UserSelection(null, null, null, groups);
  }
}
