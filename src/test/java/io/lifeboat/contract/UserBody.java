package io.lifeboat.contract;

import java.util.LinkedHashMap;
import java.util.List;

/** A User object as a client sends it, with every required field filled in. */
final class UserBody extends LinkedHashMap<String, Object> {

  private UserBody() {}

  /** Returns a valid user with the required fields and the given address. */
  static UserBody of(String address) {
    UserBody user = new UserBody();
    user.put("user", address);
    user.put("displayName", "Test User");
    user.put("givenName", "Test");
    user.put("surName", "User");
    user.put("language", "en_GB");
    user.put("timezone", "Europe/London");
    return user;
  }

  /** Sets a field; a null value removes it. */
  UserBody set(String field, Object value) {
    if (value == null) {
      remove(field);
    } else {
      put(field, value);
    }
    return this;
  }

  UserBody groups(String... names) {
    return set("failoverGroups", List.of(names));
  }

  String address() {
    return (String) get("user");
  }
}
