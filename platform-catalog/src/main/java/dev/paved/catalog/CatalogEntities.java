package dev.paved.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paved.core.PlatformConfig;
import dev.paved.core.ServiceDescriptor;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The service's Backstage entities, from its descriptor: one {@code Component} ({@code
 * backstage.io/v1alpha1}) and one {@code API} per API it provides. Names and references follow
 * Backstage's rules; anything that breaks them fails generation with the field and the fix.
 */
public final class CatalogEntities {
  /** Backstage's name rule: 1-63 characters of [A-Za-z0-9], with -_. inside. */
  static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$|^[A-Za-z0-9]$");
  /** A namespace is a DNS label. */
  static final Pattern NAMESPACE = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private CatalogEntities() {}

  /** What the descriptor does not hold. */
  public record Options(
      String namespace, String type, String techdocsRef, @Nullable String pagerDutyServiceId, Map<String, ApiSpec> apis, Map<String, String> conformance) {
    public Options {
      apis = Map.copyOf(apis);
      conformance = Map.copyOf(conformance);
    }

    /** From the {@code platform.catalog.*} keys. */
    public static Options from(PlatformConfig config) {
      Map<String, ApiSpec> apis = new TreeMap<>();
      for (String name : config.childNames("platform.catalog.apis")) {
        apis.put(
            name,
            new ApiSpec(
                config.getString("platform.catalog.apis." + name + ".type").orElse("openapi"),
                config.getString("platform.catalog.apis." + name + ".definition").orElse("")));
      }
      return new Options(
          config.get(CatalogSettings.NAMESPACE),
          config.get(CatalogSettings.TYPE),
          config.get(CatalogSettings.TECHDOCS),
          config.find(CatalogSettings.PAGERDUTY).orElse(null),
          apis,
          Map.of());
    }

    Options withConformance(Map<String, String> checks) {
      return new Options(namespace, type, techdocsRef, pagerDutyServiceId, apis, checks);
    }
  }

  /** A provided API: its type and where its definition is. */
  public record ApiSpec(String type, String definition) {}

  /**
   * The entities of a service as configured ({@code platform.catalog.*}), with the conformance
   * annotation; {@code observability} tells whether platform-observability is on its classpath.
   */
  public static List<ObjectNode> forService(ServiceDescriptor d, PlatformConfig config, boolean observability) {
    Map<String, Boolean> checks =
        Conformance.checks(d, dev.paved.core.Platform.sdkVersion(), observability, !config.childNames("platform.slo").isEmpty());
    return generate(d, Options.from(config).withConformance(Conformance.asText(checks)));
  }

  /** The entities, in order: the Component, then its APIs. */
  public static List<ObjectNode> generate(ServiceDescriptor d, Options o) {
    List<String> problems = new ArrayList<>();
    checkName("metadata.name (platform.service.name)", d.name(), problems);
    if (!NAMESPACE.matcher(o.namespace()).matches() || o.namespace().length() > 63) {
      problems.add("metadata.namespace (platform.catalog.namespace): '" + o.namespace() + "' is not a DNS label; use lower-case letters, digits and '-'");
    }
    String owner = ownerRef(d.owner().orElse(null), problems);
    ObjectNode component = entity("Component", d.name(), o.namespace());
    ObjectNode metadata = (ObjectNode) component.get("metadata");
    metadata.put("title", d.name());
    ObjectNode annotations = metadata.putObject("annotations");
    ArrayNode tags = metadata.putArray("tags");
    tags.add("tier-" + d.tier());
    d.costCentre().ifPresent(c -> tags.add(tag("cost-centre-" + c)));
    tags.add("paved");
    URI repository = d.links().get("repository");
    if (repository != null) {
      annotations.put("backstage.io/source-location", "url:" + repository);
      githubSlug(repository).ifPresent(slug -> annotations.put("github.com/project-slug", slug));
    }
    annotations.put("backstage.io/techdocs-ref", o.techdocsRef());
    annotations.put("grafana/dashboard-selector", "tags @> '" + d.name() + "'");
    if (o.pagerDutyServiceId() != null) {
      annotations.put("pagerduty.com/service-id", o.pagerDutyServiceId());
    }
    annotations.put("paved.dev/version", d.version());
    if (!o.conformance().isEmpty()) {
      StringBuilder sb = new StringBuilder();
      new TreeMap<>(o.conformance()).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
      annotations.put("paved.dev/conformance", sb.toString());
    }
    ArrayNode links = metadata.putArray("links");
    for (Map.Entry<String, URI> l : new TreeMap<>(d.links()).entrySet()) {
      ObjectNode link = links.addObject();
      link.put("url", l.getValue().toString());
      link.put("title", l.getKey().substring(0, 1).toUpperCase(Locale.ROOT) + l.getKey().substring(1));
      link.put("type", l.getKey());
    }
    ObjectNode spec = component.putObject("spec");
    spec.put("type", o.type());
    spec.put("lifecycle", d.lifecycle().id());
    spec.put("owner", owner);
    d.system().ifPresent(s -> {
      checkName("spec.system (platform.service.system)", s, problems);
      spec.put("system", s);
    });
    if (!o.apis().isEmpty()) {
      ArrayNode provides = spec.putArray("providesApis");
      o.apis().keySet().forEach(api -> provides.add("api:" + o.namespace() + "/" + api));
    }
    ArrayNode consumes = JsonNodeFactory.instance.arrayNode();
    ArrayNode dependsOn = JsonNodeFactory.instance.arrayNode();
    for (ServiceDescriptor.Dependency dep : d.dependencies()) {
      checkName("spec.dependsOn (platform.service.dependencies." + dep.name() + ")", dep.name(), problems);
      String kind = switch (dep.kind()) {
        case HTTP, GRPC -> "component";
        case DATABASE, CACHE, KAFKA, MESSAGING -> "resource";
        case OTHER -> "component";
      };
      dependsOn.add(kind + ":" + o.namespace() + "/" + dep.name());
      if (dep.kind() == ServiceDescriptor.DependencyKind.HTTP || dep.kind() == ServiceDescriptor.DependencyKind.GRPC) {
        consumes.add("api:" + o.namespace() + "/" + dep.name());
      }
    }
    if (!consumes.isEmpty()) {
      spec.set("consumesApis", consumes);
    }
    if (!dependsOn.isEmpty()) {
      spec.set("dependsOn", dependsOn);
    }
    List<ObjectNode> out = new ArrayList<>();
    out.add(component);
    for (Map.Entry<String, ApiSpec> api : o.apis().entrySet()) {
      checkName("API name (platform.catalog.apis." + api.getKey() + ")", api.getKey(), problems);
      if (api.getValue().definition().isBlank()) {
        problems.add("platform.catalog.apis." + api.getKey() + ".definition: not set; give the path of its definition (for example openapi.yaml) or a URL");
      }
      ObjectNode e = entity("API", api.getKey(), o.namespace());
      ObjectNode s = e.putObject("spec");
      s.put("type", api.getValue().type());
      s.put("lifecycle", d.lifecycle().id());
      s.put("owner", owner);
      d.system().ifPresent(sys -> s.put("system", sys));
      s.putObject("definition").put("$text", api.getValue().definition());
      out.add(e);
    }
    if (!problems.isEmpty()) {
      throw new CatalogException(problems);
    }
    return out;
  }

  private static ObjectNode entity(String kind, String name, String namespace) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("apiVersion", "backstage.io/v1alpha1");
    e.put("kind", kind);
    ObjectNode m = e.putObject("metadata");
    m.put("name", name);
    m.put("namespace", namespace);
    return e;
  }

  private static void checkName(String field, String name, List<String> problems) {
    if (name.length() > 63 || !NAME.matcher(name).matches()) {
      problems.add(field + ": '" + name + "' is not a Backstage name; use 1-63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
    }
  }

  /** The owner as a group reference: {@code team-a} is {@code group:team-a}; any other kind is refused. */
  static String ownerRef(@Nullable String owner, List<String> problems) {
    if (owner == null || owner.isBlank()) {
      problems.add("spec.owner (platform.service.owner): not set; name the owning team, such as team-payments (a Backstage group)");
      return "group:unknown";
    }
    String ref = owner.strip();
    int colon = ref.indexOf(':');
    if (colon >= 0) {
      String kind = ref.substring(0, colon);
      if (!kind.equalsIgnoreCase("group")) {
        problems.add("spec.owner (platform.service.owner): '" + ref + "' is a " + kind + ", not a group; own services by teams: group:<team>");
        return ref;
      }
      ref = ref.substring(colon + 1);
    }
    String name = ref.contains("/") ? ref.substring(ref.indexOf('/') + 1) : ref;
    checkName("spec.owner (platform.service.owner)", name, problems);
    return "group:" + ref;
  }

  private static String tag(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9:+#]+", "-");
  }

  /** {@code owner/repo} of a GitHub repository link. */
  static Optional<String> githubSlug(URI repository) {
    if (!"github.com".equalsIgnoreCase(repository.getHost())) {
      return Optional.empty();
    }
    String[] parts = repository.getPath().replaceAll("^/+|/+$", "").replaceAll("\\.git$", "").split("/");
    return parts.length >= 2 ? Optional.of(parts[0] + "/" + parts[1]) : Optional.empty();
  }

  /** The entities as {@code catalog-info.yaml}: one YAML document each. */
  public static String toYaml(List<ObjectNode> entities) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode e : entities) {
      sb.append(dev.paved.core.internal.YamlWriter.write(JSON.convertValue(e, Object.class)));
    }
    return sb.toString();
  }

  /** Writes {@code catalog-info.yaml} into {@code dir}, creating it. */
  public static Path write(List<ObjectNode> entities, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("catalog-info.yaml");
    Files.writeString(file, toYaml(entities), StandardCharsets.UTF_8);
    return file;
  }

  static Map<String, Object> summary(List<ObjectNode> entities) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (ObjectNode e : entities) {
      m.put(e.path("kind").asText() + ":" + e.path("metadata").path("namespace").asText() + "/" + e.path("metadata").path("name").asText(), e.path("spec").path("type").asText());
    }
    return m;
  }
}
