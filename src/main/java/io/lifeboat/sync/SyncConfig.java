package io.lifeboat.sync;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Registers the directory sync's settings. */
@Configuration
@EnableConfigurationProperties(SyncProperties.class)
public class SyncConfig {}
