package io.lifeboat.directory;

import java.util.List;

/**
 * The provisioned fields of a user as a client sent them, before validation. Optional fields are
 * null when not set.
 */
public record UserDraft(
    String email,
    String displayName,
    String givenName,
    String surName,
    String language,
    String timezone,
    String department,
    String costCenter,
    String phone,
    String mobile,
    List<String> failoverGroups) {}
