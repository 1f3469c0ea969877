package dev.paved.core;

import java.util.List;

/**
 * The configuration keys that {@code platform-core} reads, with their defaults. The reference
 * for all of them is {@code docs/configuration.md}.
 */
public final class CoreSettings {
  private CoreSettings() {}

  public static final ConfigKey<String> SERVICE_NAME =
      ConfigKey.string("platform.service.name").withDescription("The service's name (required).");
  public static final ConfigKey<String> SERVICE_VERSION =
      ConfigKey.string("platform.service.version")
          .withDefault(ServiceDescriptor.DEFAULT_VERSION)
          .withDescription("The version of the service's code.");
  public static final ConfigKey<String> SERVICE_ENVIRONMENT =
      ConfigKey.string("platform.service.environment")
          .withDefault(ServiceDescriptor.DEFAULT_ENVIRONMENT)
          .withDescription("Where it runs: local, dev, staging, production, ...");
  public static final ConfigKey<String> SERVICE_OWNER =
      ConfigKey.string("platform.service.owner").withDescription("The owning team.");
  public static final ConfigKey<String> SERVICE_SYSTEM =
      ConfigKey.string("platform.service.system").withDescription("The system the service belongs to.");
  public static final ConfigKey<Integer> SERVICE_TIER =
      ConfigKey.integer("platform.service.tier", 1, 4)
          .withDefault(String.valueOf(ServiceDescriptor.DEFAULT_TIER))
          .withDescription("Criticality: 1 (most critical) to 4.");
  public static final ConfigKey<ServiceDescriptor.Lifecycle> SERVICE_LIFECYCLE =
      ConfigKey.enumeration("platform.service.lifecycle", ServiceDescriptor.Lifecycle.class)
          .withDefault("production")
          .withDescription("experimental, production or deprecated.");
  public static final ConfigKey<String> SERVICE_COST_CENTRE =
      ConfigKey.string("platform.service.cost-centre").withDescription("The cost centre billed for the service.");
  public static final ConfigKey<java.net.URI> SERVICE_LINKS =
      ConfigKey.uri("platform.service.links.*")
          .withDescription("Named links: repository, runbook, dashboard, docs, ...");
  public static final ConfigKey<ServiceDescriptor.DependencyKind> SERVICE_DEPENDENCY_KIND =
      ConfigKey.enumeration("platform.service.dependencies.*.kind", ServiceDescriptor.DependencyKind.class)
          .withDescription("The kind of a declared dependency.");

  /** {@value} */
  public static final int DEFAULT_ADMIN_PORT = 8081;

  public static final ConfigKey<Boolean> ADMIN_ENABLED =
      ConfigKey.bool("platform.admin.enabled").withDefault("true").withDescription("Whether the admin server runs.");
  public static final ConfigKey<Integer> ADMIN_PORT =
      ConfigKey.integer("platform.admin.port", 0, 65535)
          .withDefault(String.valueOf(DEFAULT_ADMIN_PORT))
          .withDescription("The admin server's port; 0 picks a free one.");
  public static final ConfigKey<String> ADMIN_BIND_ADDRESS =
      ConfigKey.string("platform.admin.bind-address")
          .withDefault("0.0.0.0")
          .withDescription("The address the admin server binds to.");
  public static final ConfigKey<String> ADMIN_TOKENS_FILE =
      ConfigKey.string("platform.admin.auth.tokens-file")
          .withDescription("A file of '<viewer|operator> <token>' lines: the bearer tokens of the admin endpoints that need one; read again when it changes.");
  public static final ConfigKey<String> ADMIN_IDENTITY_HEADER =
      ConfigKey.string("platform.admin.auth.client-identity-header")
          .withDescription("A header the mesh's sidecar sets to the caller's identity (x-forwarded-client-cert: its URI); only when the sidecar strips it from outside requests.");
  public static final ConfigKey<java.util.List<String>> ADMIN_VIEWERS =
      ConfigKey.list("platform.admin.auth.viewers").withDescription("Client identities (SPIFFE IDs) with the viewer role, from client-identity-header.");
  public static final ConfigKey<java.util.List<String>> ADMIN_OPERATORS =
      ConfigKey.list("platform.admin.auth.operators").withDescription("Client identities (SPIFFE IDs) with the operator role, from client-identity-header.");
  public static final ConfigKey<java.util.List<String>> ADMIN_OPEN_ENDPOINTS =
      ConfigKey.list("platform.admin.open-endpoints")
          .withDescription("Admin paths served without a credential outside local and dev, such as /slo (health, /info and /metrics always are).");
  public static final ConfigKey<Integer> ADMIN_THREADS =
      ConfigKey.integer("platform.admin.threads", 1, 32).withDefault("2").withDescription("Admin server threads.");
  public static final ConfigKey<Integer> ADMIN_QUEUE =
      ConfigKey.integer("platform.admin.queue", 1, 10_000)
          .withDefault("64")
          .withDescription("Admin requests that may wait for a thread; more are refused.");

  public static final ConfigKey<java.time.Duration> HEALTH_TIMEOUT =
      ConfigKey.duration("platform.health.timeout")
          .withDefault("2s")
          .withDescription("Default time limit of one health check.");
  public static final ConfigKey<Integer> HEALTH_THREADS =
      ConfigKey.integer("platform.health.threads", 1, 32).withDefault("2").withDescription("Threads that run health checks.");

  public static final ConfigKey<Boolean> SHUTDOWN_HOOK =
      ConfigKey.bool("platform.shutdown.hook")
          .withDefault("true")
          .withDescription("Whether a JVM shutdown hook runs graceful shutdown.");
  public static final ConfigKey<java.time.Duration> SHUTDOWN_DRAIN =
      ConfigKey.duration("platform.shutdown.drain")
          .withDefault("5s")
          .withDescription("How long readiness is DOWN before in-flight work is awaited, so load balancers stop sending.");
  public static final ConfigKey<java.time.Duration> SHUTDOWN_TIMEOUT =
      ConfigKey.duration("platform.shutdown.timeout")
          .withDefault("30s")
          .withDescription("How long in-flight work may take to finish during shutdown.");

  /** Every key core declares. */
  public static List<ConfigKey<?>> keys() {
    return List.of(
        SERVICE_NAME, SERVICE_VERSION, SERVICE_ENVIRONMENT, SERVICE_OWNER, SERVICE_SYSTEM, SERVICE_TIER,
        SERVICE_LIFECYCLE, SERVICE_COST_CENTRE, SERVICE_LINKS, SERVICE_DEPENDENCY_KIND,
        ADMIN_ENABLED, ADMIN_PORT, ADMIN_BIND_ADDRESS, ADMIN_TOKENS_FILE, ADMIN_IDENTITY_HEADER, ADMIN_VIEWERS, ADMIN_OPERATORS, ADMIN_OPEN_ENDPOINTS, ADMIN_THREADS, ADMIN_QUEUE,
        HEALTH_TIMEOUT, HEALTH_THREADS,
        SHUTDOWN_HOOK, SHUTDOWN_DRAIN, SHUTDOWN_TIMEOUT);
  }
}
