package dev.paved.maven;

import dev.paved.catalog.deploy.KubernetesManifests;
import dev.paved.core.ConfigException;
import dev.paved.core.ConfigProblem;
import dev.paved.core.Platform;
import dev.paved.core.internal.YamlWriter;
import dev.paved.core.spi.PlatformModule;
import dev.paved.slo.Slo;
import dev.paved.slo.internal.GrafanaDashboard;
import dev.paved.slo.internal.PrometheusRules;
import dev.paved.slo.internal.Runbook;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.jspecify.annotations.Nullable;

/**
 * {@code paved:deploy} — renders what the service needs to run, from its declarations, into
 * {@code target/platform/}: the Kubernetes manifests of every declared environment ({@code
 * kubernetes/<environment>/*.yaml}: Deployment, Service, PodDisruptionBudget,
 * HorizontalPodAutoscaler, ServiceMonitor, NetworkPolicy, the configuration's ConfigMap, the SLOs'
 * PrometheusRule and the dashboard's ConfigMap; a declared namespace's Namespace, ResourceQuota and
 * LimitRange) and the runbook ({@code runbook.md}). A declaration that cannot become a valid
 * manifest fails the build naming the key, where it was set, and the fix.
 */
@Mojo(name = "deploy", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, requiresDependencyResolution = ResolutionScope.RUNTIME, threadSafe = true)
public final class DeployMojo extends ServiceMojo {
  /** The image the Deployment runs (the service parent's image name); {@code platform.deploy.image} wins. */
  @Parameter(property = "paved.image.name", defaultValue = "${project.artifactId}:${project.version}")
  private @Nullable String image;

  @Override
  void generate(Platform.Description service, URLClassLoader classpath, Path out) throws IOException, MojoFailureException {
    List<String> modules = modules(classpath);
    String image = this.image == null ? service.descriptor().name() : this.image;
    List<Slo> slos = Slo.fromConfig(service.config());
    // Each environment as it reads its configuration at start-up: platform.yaml, then its
    // platform-<environment>.yaml, both in the ConfigMap where PLATFORM_CONFIG points.
    List<KubernetesManifests.Environment> envs = new ArrayList<>();
    List<ConfigProblem> problems = new ArrayList<>();
    for (String name : KubernetesManifests.environments(service.config())) {
      Map<String, String> files = new LinkedHashMap<>();
      String yaml = resource(classpath, "platform.yaml");
      files.put("platform.yaml", yaml == null ? "" : yaml);
      String envYaml = resource(classpath, "platform-" + name + ".yaml");
      if (envYaml != null) {
        files.put("platform-" + name + ".yaml", envYaml);
      }
      try {
        // A name the platform would refuse as its environment is reported by the manifests'
        // checks against the declaration itself, not as an environment variable's problem.
        Platform.Description view =
            dev.paved.core.ServiceDescriptor.checkName(name) == null ? describe(classpath, Map.of("PLATFORM_SERVICE_ENVIRONMENT", name)) : service;
        envs.add(
            KubernetesManifests.renderEnvironment(
                new KubernetesManifests.Inputs(view.descriptor(), view.config(), image, Platform.sdkVersion(), files, modules), name));
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(KubernetesManifests.dedupe(problems));
    }
    Files.createDirectories(out);
    Path kubernetes = out.resolve("kubernetes");
    deleteTree(kubernetes); // an environment no longer declared leaves no manifests behind
    for (KubernetesManifests.Environment env : envs) {
      if (!slos.isEmpty()) {
        env.add(new KubernetesManifests.Document("prometheusrule.yaml", PrometheusRules.prometheusRuleDocument(service.descriptor(), slos, env.namespace())));
        env.add(new KubernetesManifests.Document("grafana-dashboard.yaml", dashboard(service, slos, env.namespace())));
      }
      Path dir = Files.createDirectories(kubernetes.resolve(env.name()));
      for (KubernetesManifests.Document d : env.documents()) {
        Files.writeString(dir.resolve(d.file()), YamlWriter.write(d.body()), StandardCharsets.UTF_8);
      }
      getLog().info("Wrote " + env.documents().size() + " manifests of environment " + env.name() + " (namespace " + env.namespace() + ") to " + dir);
    }
    if (envs.isEmpty()) {
      getLog().info("No environments declared (platform.deploy.environments.<name>): no Kubernetes manifests");
    }
    Files.writeString(out.resolve("runbook.md"), Runbook.markdown(service.descriptor(), slos, modules, Platform.sdkVersion()), StandardCharsets.UTF_8);
  }

  /**
   * The Paved modules the service itself has: those registered in its own classpath's {@code
   * META-INF/services} (the plugin's classes serve them, but the plugin's own modules are not the
   * service's).
   */
  private static List<String> modules(URLClassLoader classpath) throws IOException {
    java.util.Set<String> registered = new java.util.HashSet<>();
    java.util.Enumeration<java.net.URL> files = classpath.findResources("META-INF/services/" + PlatformModule.class.getName());
    while (files.hasMoreElements()) {
      try (InputStream in = files.nextElement().openStream()) {
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
          String name = line.replaceAll("#.*", "").strip();
          if (!name.isEmpty()) {
            registered.add(name);
          }
        }
      }
    }
    List<String> modules = new ArrayList<>();
    for (PlatformModule m : ServiceLoader.load(PlatformModule.class, classpath)) {
      if (registered.contains(m.getClass().getName())) {
        modules.add(m.name());
      }
    }
    return modules;
  }

  /** The dashboard as a ConfigMap that Grafana's sidecar loads (label {@code grafana_dashboard: "1"}). */
  private static Map<String, Object> dashboard(Platform.Description service, List<Slo> slos, String namespace) {
    String name = service.descriptor().name();
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", name);
    labels.put("app.kubernetes.io/managed-by", "paved");
    labels.put("grafana_dashboard", "1");
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name + "-dashboard");
    metadata.put("namespace", namespace);
    metadata.put("labels", labels);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("apiVersion", "v1");
    m.put("kind", "ConfigMap");
    m.put("metadata", metadata);
    m.put("data", Map.of(name + ".json", GrafanaDashboard.json(service.descriptor(), slos)));
    return m;
  }

  private static @Nullable String resource(ClassLoader cl, String name) throws IOException {
    try (InputStream in = cl.getResourceAsStream(name)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
