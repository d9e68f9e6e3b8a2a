package io.lifeboat.mailstore;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Registers the mailstore's settings. */
@Configuration
@EnableConfigurationProperties(MailstoreProperties.class)
public class MailstoreConfig {}
