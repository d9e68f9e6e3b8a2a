package io.lifeboat.api;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.context.annotation.Configuration;

/** Metadata of the OpenAPI document served at {@code /v3/api-docs}. */
@Configuration
@OpenAPIDefinition(
    info =
        @Info(
            title = "Lifeboat API",
            version = "v2",
            description =
                "Customer API (wire-compatible with the Retarus Email Continuity API v2) under"
                    + " /email/continuity/v2 and the operator API under /operator/v1."))
@SecurityScheme(name = "basic", type = SecuritySchemeType.HTTP, scheme = "basic")
public class OpenApiConfig {}
