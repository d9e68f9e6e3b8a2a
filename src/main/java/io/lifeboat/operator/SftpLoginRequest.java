package io.lifeboat.operator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Body of {@code PUT /operator/v1/customers/{CUSTOMER}/sftp}; at least one field is needed. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SftpLoginRequest(String password, String publicKey) {}
