package io.lifeboat.operator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** Body of {@code PUT /operator/v1/customers/{CUSTOMER}}; absent settings keep their defaults. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CustomerRequest(
    String name,
    List<DomainRequest> domains,
    Boolean notifications,
    String notificationSender,
    Integer tokenLifetimeDays,
    String publicBaseUrl,
    Integer syncDeactivationLimitPercent) {

  /** One domain and its primary mail server; the port defaults to 25. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DomainRequest(String domain, String primaryHost, Integer primaryPort) {}
}
