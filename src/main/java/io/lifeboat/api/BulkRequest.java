package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** Body of the bulk {@code PUT /{CUSTOMER}}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BulkRequest(List<UserJson> users) {}
