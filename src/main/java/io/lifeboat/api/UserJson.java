package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.lifeboat.directory.User;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.web.Timestamps;
import java.util.List;

/**
 * The API's User object. On input only the provisioned fields are read; {@code customer}, {@code
 * domain}, the flags and the timestamps are output only and ignored when sent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record UserJson(
    String customer,
    String domain,
    String user,
    String displayName,
    String givenName,
    String surName,
    String language,
    String timezone,
    String department,
    String costCenter,
    String phone,
    String mobile,
    List<String> failoverGroups,
    Boolean activation,
    Boolean access,
    Boolean failover,
    String created,
    String modified,
    String deactivated,
    String deletionDue) {

  public static UserJson of(User u) {
    return new UserJson(
        u.customerId(),
        u.domain(),
        u.email(),
        u.displayName(),
        u.givenName(),
        u.surName(),
        u.language(),
        u.timezone(),
        u.department(),
        u.costCenter(),
        u.phone(),
        u.mobile(),
        u.failoverGroups(),
        u.activation(),
        u.access(),
        u.failover(),
        Timestamps.format(u.created()),
        Timestamps.format(u.modified()),
        Timestamps.format(u.deactivated()),
        Timestamps.format(u.deletionDue()));
  }

  /** Returns the provisioned fields; {@code email} replaces the body's address when given. */
  public UserDraft toDraft(String email) {
    return new UserDraft(
        email != null ? email : user,
        displayName,
        givenName,
        surName,
        language,
        timezone,
        department,
        costCenter,
        phone,
        mobile,
        failoverGroups);
  }
}
