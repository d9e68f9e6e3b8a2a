package io.lifeboat.webmail;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Registers the webmail's own settings. */
@Configuration
@EnableConfigurationProperties(WebmailProperties.class)
class WebmailConfig {}
