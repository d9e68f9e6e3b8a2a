package io.lifeboat.contract;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A customer created for one test, with its own random id and domain and an API credential, so that
 * tests never see each other's users.
 */
record Tenant(String id, String domain, Credential credential, ApiClient api) {

  static final String BASE = "/email/continuity/v2/";

  String address(String localPart) {
    return localPart + "@" + domain;
  }

  /** Returns the API path of this customer followed by {@code suffix}, such as {@code "/x@y"}. */
  String path(String suffix) {
    return BASE + id + suffix;
  }

  String userPath(String address) {
    return path("/" + address);
  }

  /** Creates one user through {@code PUT /{CUSTOMER}/{USER}}; fails unless the status is 201. */
  ApiResponse create(UserBody user) {
    return api.put(userPath(user.address()), user).expect(201);
  }

  /** Creates or updates users with one bulk request; fails unless the status is 200. */
  ApiResponse createAll(List<UserBody> users) {
    return api.put(path(""), Map.of("users", users)).expect(200);
  }

  ApiResponse getUser(String address) {
    return api.get(userPath(address)).expect(200);
  }

  /** Issues a token for a user and returns the response; fails unless the status is 201. */
  ApiResponse issueToken(String address) {
    return api.post(userPath(address) + "/token").expect(201);
  }

  /** Sets a user's password with a token, without any credential. */
  ApiResponse setPassword(String address, String token, String password) {
    Map<String, Object> body = new HashMap<>();
    body.put("token", token);
    body.put("password", password);
    return api.anonymous().put(BASE + address + "/password", body);
  }

  /** Counts the users matching {@code query} (such as {@code "?failover=true"}) with HEAD. */
  long count(String query) {
    ApiResponse response = api.head(path(query)).expect(200);
    return Long.parseLong(response.header("User-Count"));
  }
}
