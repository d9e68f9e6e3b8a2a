package io.lifeboat.directory;

import java.util.List;

/**
 * What a create-or-update of users changed.
 *
 * @param created users that did not exist before
 * @param updated users whose fields changed, including restored ones
 * @param unchanged users already exactly as requested
 * @param restored deleted users that the request brought back before their purge
 * @param createdUsers the users created, for issuing their activation tokens
 */
public record UpsertResult(
    int created, int updated, int unchanged, int restored, List<User> createdUsers) {

  public int affected() {
    return created + updated;
  }
}
