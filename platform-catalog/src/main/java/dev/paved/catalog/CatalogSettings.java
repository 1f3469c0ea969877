package dev.paved.catalog;

import dev.paved.core.ConfigKey;
import java.time.Duration;
import java.util.List;

/** The keys of platform-catalog, with their defaults; see {@code docs/catalog.md}. */
public final class CatalogSettings {
  private CatalogSettings() {}

  static final ConfigKey<String> NAMESPACE =
      ConfigKey.string("platform.catalog.namespace").withDefault("default").withDescription("The entities' Backstage namespace.");
  static final ConfigKey<String> API_TYPE =
      ConfigKey.string("platform.catalog.apis.*.type").withDescription("A provided API's type: openapi, asyncapi, grpc or graphql.");
  static final ConfigKey<String> API_DEFINITION =
      ConfigKey.string("platform.catalog.apis.*.definition")
          .withDescription("Where the API's definition is, relative to catalog-info.yaml or a URL (a $text reference).");
  static final ConfigKey<String> PAGERDUTY =
      ConfigKey.string("platform.catalog.pagerduty-service-id").withDescription("The PagerDuty service id (annotation pagerduty.com/service-id).");
  static final ConfigKey<String> TECHDOCS =
      ConfigKey.string("platform.catalog.techdocs-ref").withDefault("dir:.").withDescription("The backstage.io/techdocs-ref annotation.");
  static final ConfigKey<String> TYPE =
      ConfigKey.string("platform.catalog.type").withDefault("service").withDescription("The Component's spec.type.");
  static final ConfigKey<String> REGISTER_URL =
      ConfigKey.string("platform.catalog.register.url").withDescription("Backstage's base URL; registration is off until it is set.");
  static final ConfigKey<String> REGISTER_TARGET =
      ConfigKey.string("platform.catalog.register.target").withDescription("The URL of the service's catalog-info.yaml that Backstage reads.");
  static final ConfigKey<String> REGISTER_TOKEN_FILE =
      ConfigKey.string("platform.catalog.register.token-file").withDescription("A file holding the Backstage token (else BACKSTAGE_TOKEN).");
  static final ConfigKey<Boolean> REGISTER_ON_START =
      ConfigKey.bool("platform.catalog.register.on-start")
          .withDefault("false")
          .withDescription("Register asynchronously at start-up (never blocking or failing it).");
  static final ConfigKey<Duration> REGISTER_TIMEOUT =
      ConfigKey.duration("platform.catalog.register.timeout").withDefault("10s").withDescription("Time limit of one call to Backstage.");

  /** Every key of the catalog module. */
  public static List<ConfigKey<?>> keys() {
    return List.of(NAMESPACE, API_TYPE, API_DEFINITION, PAGERDUTY, TECHDOCS, TYPE, REGISTER_URL, REGISTER_TARGET, REGISTER_TOKEN_FILE, REGISTER_ON_START, REGISTER_TIMEOUT);
  }
}
