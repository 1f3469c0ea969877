package dev.paved.core;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Who the service is: the identity every module reports (resource attributes, metric labels,
 * catalog entity, SLO labels). Immutable; built with {@link #builder(String)} or read from
 * {@code platform.service.*}.
 *
 * <p>Names (service, environment, owner, system, dependencies) follow one rule so that the same
 * name is valid in Kubernetes, Prometheus and Backstage: 1 to 63 characters, lower-case letters,
 * digits and '-', starting with a letter and ending with a letter or digit.
 */
public final class ServiceDescriptor {
  /** Environment when none is configured. */
  public static final String DEFAULT_ENVIRONMENT = "local";

  /** Version when none is configured. */
  public static final String DEFAULT_VERSION = "0.0.0-unknown";

  /** Tier when none is configured (1 is most critical, 4 least). */
  public static final int DEFAULT_TIER = 3;

  private static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  /** Where the service is in its life. Matches Backstage's {@code spec.lifecycle}. */
  public enum Lifecycle {
    EXPERIMENTAL,
    PRODUCTION,
    DEPRECATED;

    /** The lower-case name used in files and in the catalog. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What kind of thing a declared dependency is. */
  public enum DependencyKind {
    HTTP,
    GRPC,
    KAFKA,
    DATABASE,
    CACHE,
    MESSAGING,
    OTHER;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A declared dependency of the service; resilience policies and the catalog use it. */
  public record Dependency(String name, DependencyKind kind) {
    public Dependency {
      Objects.requireNonNull(kind, "kind");
      requireName("dependency name", name);
    }
  }

  private final String name;
  private final String version;
  private final String environment;
  private final @Nullable String owner;
  private final @Nullable String system;
  private final int tier;
  private final Lifecycle lifecycle;
  private final @Nullable String costCentre;
  private final Map<String, URI> links;
  private final List<Dependency> dependencies;

  private ServiceDescriptor(Builder b) {
    this.name = b.name;
    this.version = b.version;
    this.environment = b.environment;
    this.owner = b.owner;
    this.system = b.system;
    this.tier = b.tier;
    this.lifecycle = b.lifecycle;
    this.costCentre = b.costCentre;
    this.links = Collections.unmodifiableMap(new LinkedHashMap<>(b.links));
    this.dependencies = List.copyOf(b.dependencies);
  }

  /** A builder for the service called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Checks a name against the naming rule.
   *
   * @return null when valid, otherwise what is wrong
   */
  public static @Nullable String checkName(String name) {
    if (name.isEmpty()) {
      return "is empty";
    }
    if (name.length() > 63) {
      return "is " + name.length() + " characters long (at most 63)";
    }
    if (NAME.matcher(name).matches()) {
      return null;
    }
    if (!Character.isLetter(name.charAt(0)) || !Character.isLowerCase(name.charAt(0))) {
      return "must start with a lower-case letter";
    }
    if (!name.equals(name.toLowerCase(Locale.ROOT))) {
      return "must be lower case";
    }
    if (name.endsWith("-")) {
      return "must end with a letter or digit";
    }
    return "may contain only lower-case letters, digits and '-'";
  }

  /** A suggestion that follows the naming rule: {@code "Orders_Service"} becomes {@code "orders-service"}. */
  public static String suggestName(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^[^a-z]+", "");
    s = s.length() > 63 ? s.substring(0, 63) : s;
    s = s.replaceAll("-+$", "");
    return s.isEmpty() ? "my-service" : s;
  }

  static String requireName(String what, @Nullable String name) {
    Objects.requireNonNull(name, what);
    String problem = checkName(name);
    if (problem != null) {
      throw new IllegalArgumentException(
          what + ": '" + name + "' " + problem + " (expected: 1-63 lower-case letters, digits and '-',"
              + " starting with a letter and ending with a letter or digit, e.g. '" + suggestName(name) + "')");
    }
    return name;
  }

  /** Reads the descriptor from {@code platform.service.*}, adding any problem to {@code problems}. */
  static @Nullable ServiceDescriptor fromConfig(PlatformConfig config, List<ConfigProblem> problems) {
    int before = problems.size();
    Optional<ConfigValue> nameValue = config.value(CoreSettings.SERVICE_NAME.name());
    if (nameValue.isEmpty()) {
      problems.add(
          new ConfigProblem(
              CoreSettings.SERVICE_NAME.name(),
              "not set",
              "the service has no name",
              "set platform.service.name in platform.yaml, or the environment variable OTEL_SERVICE_NAME"
                  + " (or PLATFORM_SERVICE_NAME)"));
    }
    checkNameValue(nameValue.orElse(null), problems);
    checkNameValue(config.value(CoreSettings.SERVICE_ENVIRONMENT.name()).orElse(null), problems);
    checkNameValue(config.value(CoreSettings.SERVICE_OWNER.name()).orElse(null), problems);
    checkNameValue(config.value(CoreSettings.SERVICE_SYSTEM.name()).orElse(null), problems);
    Set<String> dependencyNames = config.childNames("platform.service.dependencies");
    for (String dep : dependencyNames) {
      String problem = checkName(dep);
      if (problem != null) {
        String key = "platform.service.dependencies." + dep;
        ConfigValue any = config.entries().values().stream()
            .filter(v -> v.key().startsWith(key + "."))
            .findFirst()
            .orElse(new ConfigValue(key, dep, "configuration"));
        problems.add(
            new ConfigProblem(
                key,
                any.source(),
                "dependency name '" + dep + "' " + problem,
                "rename it to '" + suggestName(dep) + "' (1-63 lower-case letters, digits and '-')"));
      }
    }
    if (problems.size() > before) {
      return null;
    }
    try {
      Builder b = builder(nameValue.orElseThrow().value().strip());
      b.version(config.get(CoreSettings.SERVICE_VERSION));
      b.environment(config.get(CoreSettings.SERVICE_ENVIRONMENT).strip());
      config.find(CoreSettings.SERVICE_OWNER).ifPresent(o -> b.owner(o.strip()));
      config.find(CoreSettings.SERVICE_SYSTEM).ifPresent(s -> b.system(s.strip()));
      b.tier(config.get(CoreSettings.SERVICE_TIER));
      b.lifecycle(config.get(CoreSettings.SERVICE_LIFECYCLE));
      config.find(CoreSettings.SERVICE_COST_CENTRE).ifPresent(b::costCentre);
      for (String link : config.childNames("platform.service.links")) {
        config.value("platform.service.links." + link)
            .ifPresent(v -> b.link(link, ConfigKey.uri("x").parse(v.value())));
      }
      for (String dep : dependencyNames) {
        DependencyKind kind =
            config.getEnum("platform.service.dependencies." + dep + ".kind", DependencyKind.class, DependencyKind.OTHER);
        b.dependency(dep, kind);
      }
      return b.build();
    } catch (ConfigException e) {
      problems.addAll(e.problems());
      return null;
    }
  }

  private static void checkNameValue(@Nullable ConfigValue v, List<ConfigProblem> problems) {
    if (v == null) {
      return;
    }
    String problem = checkName(v.value().strip());
    if (problem != null) {
      problems.add(
          new ConfigProblem(
              v.key(),
              v.source(),
              "'" + v.value() + "' " + problem,
              "use 1-63 lower-case letters, digits and '-', starting with a letter and ending with a"
                  + " letter or digit, e.g. '" + suggestName(v.value()) + "'"));
    }
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  public String environment() {
    return environment;
  }

  /**
   * The one "is this production" check of Paved: whether the environment is {@code production}
   * (or {@code prod}), case-insensitive. What is refused in production unless explicitly allowed
   * (development secrets, local flags) asks this, and nothing else.
   */
  public boolean isProduction() {
    return isProduction(environment);
  }

  /** {@link #isProduction()} for an environment name. */
  public static boolean isProduction(String environment) {
    String e = environment.strip();
    return e.equalsIgnoreCase("production") || e.equalsIgnoreCase("prod");
  }

  /** The owning team, if declared. */
  public Optional<String> owner() {
    return Optional.ofNullable(owner);
  }

  /** The system (group of services) this one belongs to; OpenTelemetry's {@code service.namespace}. */
  public Optional<String> system() {
    return Optional.ofNullable(system);
  }

  /** 1 (most critical) to 4. */
  public int tier() {
    return tier;
  }

  public Lifecycle lifecycle() {
    return lifecycle;
  }

  public Optional<String> costCentre() {
    return Optional.ofNullable(costCentre);
  }

  /** Named links: {@code repository}, {@code runbook}, {@code dashboard}, {@code docs}, ... */
  public Map<String, URI> links() {
    return links;
  }

  public List<Dependency> dependencies() {
    return dependencies;
  }

  /** The descriptor as a map, for {@code /info} and generated artifacts. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("version", version);
    m.put("environment", environment);
    m.put("owner", owner);
    m.put("system", system);
    m.put("tier", tier);
    m.put("lifecycle", lifecycle.id());
    m.put("costCentre", costCentre);
    Map<String, String> l = new LinkedHashMap<>();
    links.forEach((k, v) -> l.put(k, v.toString()));
    m.put("links", l);
    List<Map<String, String>> deps = new ArrayList<>();
    for (Dependency d : dependencies) {
      deps.add(Map.of("name", d.name(), "kind", d.kind().id()));
    }
    m.put("dependencies", deps);
    return m;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ServiceDescriptor d && toMap().equals(d.toMap());
  }

  @Override
  public int hashCode() {
    return toMap().hashCode();
  }

  @Override
  public String toString() {
    return "ServiceDescriptor" + toMap();
  }

  /** Builds a {@link ServiceDescriptor}; every setter validates at once. */
  public static final class Builder {
    private final String name;
    private String version = DEFAULT_VERSION;
    private String environment = DEFAULT_ENVIRONMENT;
    private @Nullable String owner;
    private @Nullable String system;
    private int tier = DEFAULT_TIER;
    private Lifecycle lifecycle = Lifecycle.PRODUCTION;
    private @Nullable String costCentre;
    private final Map<String, URI> links = new LinkedHashMap<>();
    private final List<Dependency> dependencies = new ArrayList<>();

    private Builder(String name) {
      this.name = requireName("name", name);
    }

    public Builder version(String version) {
      Objects.requireNonNull(version, "version");
      if (version.isBlank()) {
        throw new IllegalArgumentException("version: '' (expected: a non-blank version, e.g. 1.4.2)");
      }
      this.version = version.strip();
      return this;
    }

    public Builder environment(String environment) {
      this.environment = requireName("environment", environment);
      return this;
    }

    public Builder owner(String owner) {
      this.owner = requireName("owner", owner);
      return this;
    }

    public Builder system(String system) {
      this.system = requireName("system", system);
      return this;
    }

    public Builder tier(int tier) {
      if (tier < 1 || tier > 4) {
        throw new IllegalArgumentException("tier: " + tier + " (expected: 1 to 4)");
      }
      this.tier = tier;
      return this;
    }

    public Builder lifecycle(Lifecycle lifecycle) {
      this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
      return this;
    }

    public Builder costCentre(String costCentre) {
      Objects.requireNonNull(costCentre, "costCentre");
      if (costCentre.isBlank()) {
        throw new IllegalArgumentException("costCentre: '' (expected: non-blank)");
      }
      this.costCentre = costCentre.strip();
      return this;
    }

    public Builder link(String name, URI uri) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(uri, "uri");
      if (!uri.isAbsolute()) {
        throw new IllegalArgumentException("link " + name + ": '" + uri + "' (expected: an absolute URI)");
      }
      links.put(name, uri);
      return this;
    }

    public Builder dependency(String name, DependencyKind kind) {
      Dependency d = new Dependency(name, kind);
      for (Dependency existing : dependencies) {
        if (existing.name().equals(name)) {
          throw new IllegalArgumentException("dependency: '" + name + "' (expected: declared once)");
        }
      }
      dependencies.add(d);
      return this;
    }

    public ServiceDescriptor build() {
      return new ServiceDescriptor(this);
    }
  }
}
