package dev.paved.catalog.deploy;

import dev.paved.core.ConfigException;
import dev.paved.core.ConfigKey;
import dev.paved.core.ConfigProblem;
import dev.paved.core.ConfigValue;
import dev.paved.core.CoreSettings;
import dev.paved.core.PlatformConfig;
import dev.paved.core.ServiceDescriptor;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Kubernetes manifests of a service, one set per declared environment ({@code
 * platform.deploy.environments.<name>}), rendered from its descriptor and configuration: plain
 * documents that Argo CD or Flux apply as they are. A declaration that cannot become a valid manifest
 * fails with a {@link ConfigException} naming the key, where it was set, and the fix.
 *
 * <pre>{@code
 * List<KubernetesManifests.Environment> envs =
 *     KubernetesManifests.render(new KubernetesManifests.Inputs(descriptor, config, "orders:1.0.0", Platform.sdkVersion(), Map.of("platform.yaml", yaml)));
 * }</pre>
 */
public final class KubernetesManifests {
  /** Where the configuration is mounted (a directory: the ConfigMap's {@code ..data} swap reaches the service). */
  public static final String CONFIG_DIR = "/etc/paved";

  /** The image's non-root user and group (the service parent's {@code paved.image.user}). */
  public static final long USER = 65532;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?");
  private static final Pattern QUANTITY =
      Pattern.compile("(\\+)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?");
  private static final Pattern CRON = Pattern.compile("(@(yearly|annually|monthly|weekly|daily|midnight|hourly))|(\\S+(\\s+\\S+){4})");
  private static final Pattern IPV4_CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

  private KubernetesManifests() {}

  /**
   * What the manifests are made of.
   *
   * @param image the image to run unless {@code platform.deploy.image} says otherwise
   * @param configFiles the configuration files to mount, by name ({@code platform.yaml})
   */
  public record Inputs(
      ServiceDescriptor descriptor, PlatformConfig config, String image, String pavedVersion, Map<String, String> configFiles, List<String> modules) {
    public Inputs {
      Objects.requireNonNull(descriptor, "descriptor");
      Objects.requireNonNull(config, "config");
      configFiles = new LinkedHashMap<>(configFiles);
      modules = List.copyOf(modules);
    }

    /** Inputs with every Paved module assumed present (the production checks see them all). */
    public Inputs(ServiceDescriptor descriptor, PlatformConfig config, String image, String pavedVersion, Map<String, String> configFiles) {
      this(descriptor, config, image, pavedVersion, configFiles, List.of("observability", "resilience", "config", "flags", "secrets", "catalog", "slo"));
    }
  }

  /** One manifest: its file name and its document. */
  public record Document(String file, Map<String, Object> body) {}

  /** The manifests of one environment, in the order to apply them. */
  public record Environment(String name, String namespace, List<Document> documents) {
    public Environment {
      documents = new ArrayList<>(documents);
    }

    /** Adds a document (the build adds the SLOs' PrometheusRule and the dashboard's ConfigMap). */
    public void add(Document d) {
      documents.add(d);
    }
  }

  /** The resources of one container: requests, and limits. */
  record Resources(String cpu, String memory, String cpuLimit) {}

  /**
   * Renders every declared environment; none declared gives none.
   *
   * @throws ConfigException naming every declaration that cannot become a valid manifest
   */
  public static List<Environment> render(Inputs in) {
    List<Environment> out = new ArrayList<>();
    List<ConfigProblem> problems = new ArrayList<>();
    for (String env : environments(in.config())) {
      try {
        out.add(renderEnvironment(in, env));
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(dedupe(problems));
    }
    return out;
  }

  /** The environments declared ({@code platform.deploy.environments.<name>}). */
  public static java.util.Set<String> environments(PlatformConfig c) {
    return c.childNames(DeploySettings.ENVIRONMENTS);
  }

  /** The same problem found for several environments, once. */
  public static List<ConfigProblem> dedupe(List<ConfigProblem> problems) {
    return List.copyOf(new java.util.LinkedHashSet<>(problems));
  }

  /**
   * The manifests of environment {@code env}, from {@code in}'s configuration as that environment
   * reads it (the build describes the service once per environment, with its {@code
   * platform-<environment>.yaml}).
   *
   * @throws ConfigException naming every declaration that cannot become a valid manifest
   */
  public static Environment renderEnvironment(Inputs in, String env) {
    PlatformConfig c = in.config();
    ServiceDescriptor d = in.descriptor();
    List<ConfigProblem> problems = new ArrayList<>();
    String prefix = DeploySettings.ENVIRONMENTS + "." + env;
    if (!DNS_LABEL.matcher(env).matches()) {
      problems.add(
          problem(
              c,
              prefix,
              env,
              "not a valid environment name: it becomes the namespace by default, a label value and PLATFORM_SERVICE_ENVIRONMENT (lower-case letters, digits and '-', at most 63)",
              "rename the environment, such as prod-eu"));
    }
    Map<String, String> labels = labels(d, problems, c);
    int httpPort = c.get(DeploySettings.HTTP_PORT);
    int adminPort = c.get(CoreSettings.ADMIN_PORT);
    if (adminPort == 0) {
      problems.add(problem(c, CoreSettings.ADMIN_PORT.name(), "0 (a free port at start-up)", "probes and scraping need a fixed admin port in Kubernetes", "set platform.admin.port to a port, such as 8081, or leave it unset"));
    } else if (adminPort == httpPort) {
      problems.add(problem(c, DeploySettings.HTTP_PORT.name(), String.valueOf(httpPort), "the service's port is the admin port", "choose another platform.deploy.http-port or platform.admin.port"));
    }
    Resources resources = resources(d, c, problems);
    String image = c.find(DeploySettings.IMAGE).orElse(in.image());
    String nsKey = prefix + ".namespace";
    java.util.Optional<String> declaredNamespace = c.getString(nsKey).map(String::strip);
    boolean declared = declaredNamespace.isPresent();
    boolean shared = c.getBoolean(prefix + ".shared-namespace", false);
    String namespace = declaredNamespace.orElse(env);
    if (declared && !DNS_LABEL.matcher(namespace).matches()) {
      problems.add(problem(c, nsKey, namespace, "the namespace is not a valid Kubernetes namespace (lower-case letters, digits and '-', at most 63)", "name a valid namespace, such as orders-prod"));
    }
    Integer r = integer(c, prefix + ".replicas", 1, 1000, problems);
    int replicas = r == null ? defaultReplicas(d.tier()) : r;
    Integer max = integer(c, prefix + ".max-replicas", 1, 1000, problems);
    int maxReplicas = max == null ? replicas * 3 : max;
    if (maxReplicas < replicas) {
      problems.add(problem(c, prefix + ".max-replicas", String.valueOf(maxReplicas), "fewer than the " + replicas + " replicas", "set it to " + replicas + " or more"));
    }
    String envFromSecret = c.getString(prefix + ".env-from-secret").map(String::strip).orElse("");
    if (!envFromSecret.isEmpty() && !DNS_SUBDOMAIN.matcher(envFromSecret).matches()) {
      problems.add(problem(c, prefix + ".env-from-secret", envFromSecret, "not a valid Secret name", "name the Secret that holds the environment's variables, such as orders-platform"));
    }
    Map<String, String> extraEnv = new java.util.TreeMap<>();
    for (String name : c.childNames(prefix + ".env")) {
      c.getString(prefix + ".env." + name).ifPresent(v -> extraEnv.put(name, v));
    }
    productionChecks(in, env, prefix, envFromSecret, extraEnv, problems);
    String workload = c.get(DeploySettings.WORKLOAD).strip();
    boolean cronJob = workload.equals("cronjob");
    if (!cronJob && !workload.equals("deployment")) {
      problems.add(problem(c, DeploySettings.WORKLOAD.name(), workload, "not a workload Paved renders", "use deployment or cronjob"));
    }
    String schedule = c.find(DeploySettings.SCHEDULE).map(String::strip).orElse("");
    if (cronJob && !CRON.matcher(schedule).matches()) {
      problems.add(
          problem(c, DeploySettings.SCHEDULE.name(), schedule.isEmpty() ? "not set" : schedule, "a cronjob needs a schedule of five cron fields", "set it, such as '0 3 * * *' (every day at 03:00)"));
    }
    Integer lagThreshold = c.find(DeploySettings.LAG_THRESHOLD).orElse(null);
    String lagGroup = c.find(DeploySettings.LAG_GROUP).map(String::strip).orElse("");
    String prometheusUrl = c.find(DeploySettings.PROMETHEUS_URL).map(String::strip).orElse("");
    if (lagThreshold != null) {
      if (!LABEL_VALUE.matcher(lagGroup).matches() || lagGroup.isEmpty()) {
        problems.add(problem(c, DeploySettings.LAG_GROUP.name(), lagGroup.isEmpty() ? "not set" : lagGroup, "scaling on lag needs the consumer group", "name the group the service consumes as (its consumer's name by default)"));
      }
      if (!prometheusUrl.matches("https?://[^\\s\"]+")) {
        problems.add(problem(c, DeploySettings.PROMETHEUS_URL.name(), prometheusUrl.isEmpty() ? "not set" : prometheusUrl, "scaling on lag needs the Prometheus KEDA asks", "set it, such as http://prometheus.monitoring:9090"));
      }
      if (cronJob) {
        problems.add(problem(c, DeploySettings.LAG_THRESHOLD.name(), String.valueOf(lagThreshold), "a cronjob does not scale", "remove it, or make the workload a deployment"));
      }
    }
    List<Map<String, Object>> egress = egress(d, c, problems);
    egress.addAll(backendEgress(c, extraEnv, problems));
    if (!problems.isEmpty()) {
      throw new ConfigException(dedupe(problems));
    }
    Map<String, String> envLabels = new LinkedHashMap<>(labels);
    envLabels.put("paved.dev/environment", env);
    boolean kubernetesAuth = c.getString("platform.secrets.vault.auth.method").map(m -> m.strip().equalsIgnoreCase("kubernetes")).orElse(false);
    List<Document> docs = new ArrayList<>();
    if (declared && !shared) {
      docs.add(new Document("namespace.yaml", namespace(namespace, envLabels)));
      docs.add(new Document("resourcequota.yaml", quota(d, namespace, envLabels, resources, maxReplicas)));
      docs.add(new Document("limitrange.yaml", limitRange(d, namespace, envLabels, resources)));
    }
    docs.add(new Document("serviceaccount.yaml", serviceAccount(d, namespace, envLabels, kubernetesAuth)));
    docs.add(new Document("configmap.yaml", configMap(d, namespace, envLabels, in.configFiles())));
    Shutdown shutdown = shutdown(c);
    Map<String, Object> deployment =
        deployment(d, env, namespace, envLabels, image, in.pavedVersion(), httpPort, adminPort, resources, shutdown, probeTimeout(c), envFromSecret, extraEnv, kubernetesAuth);
    if (cronJob) {
      docs.add(new Document("cronjob.yaml", cronJob(d, namespace, envLabels, deployment, schedule, c.get(DeploySettings.TIME_ZONE), c.get(DeploySettings.JOB_DEADLINE))));
      docs.add(new Document("networkpolicy.yaml", networkPolicy(d, namespace, envLabels, httpPort, adminPort, egress, namespace)));
      return new Environment(env, namespace, docs);
    }
    docs.add(new Document("deployment.yaml", deployment));
    docs.add(new Document("service.yaml", service(d, namespace, envLabels, httpPort, adminPort)));
    docs.add(new Document("poddisruptionbudget.yaml", pdb(d, namespace, envLabels)));
    if (lagThreshold != null) {
      // KEDA makes and owns the autoscaler: a second one from Paved would fight it.
      docs.add(new Document("scaledobject.yaml", scaledObject(d, namespace, envLabels, replicas, maxReplicas, lagThreshold, lagGroup, prometheusUrl)));
    } else {
      docs.add(new Document("horizontalpodautoscaler.yaml", hpa(d, namespace, envLabels, replicas, maxReplicas, c.get(DeploySettings.CPU_TARGET))));
    }
    docs.add(new Document("servicemonitor.yaml", serviceMonitor(d, namespace, envLabels)));
    docs.add(new Document("networkpolicy.yaml", networkPolicy(d, namespace, envLabels, httpPort, adminPort, egress, namespace)));
    return new Environment(env, namespace, docs);
  }

  /**
   * What the production environment requires at start-up — an Unleash URL for the flags, a Vault
   * address for the secrets — checked at build time, so that a pod that would exit 2 is never
   * deployed. A Secret given as {@code env-from-secret} may hold them (the build cannot see into it).
   */
  private static void productionChecks(Inputs in, String env, String prefix, String envFromSecret, Map<String, String> extraEnv, List<ConfigProblem> problems) {
    PlatformConfig c = in.config();
    if (!ServiceDescriptor.isProduction(env) || !envFromSecret.isEmpty()) {
      return;
    }
    require(in, "flags", "platform.flags.unleash.url", "UNLEASH_URL", "platform.flags.file.allow-in-production", "an Unleash URL", "the flags module", "UNLEASH_URL and UNLEASH_API_TOKEN", env, prefix, extraEnv, problems);
    require(in, "secrets", "platform.secrets.vault.address", "VAULT_ADDR", "platform.secrets.dev.allow-in-production", "a Vault address", "the secrets module", "VAULT_ADDR", env, prefix, extraEnv, problems);
  }

  /** One of production's requirements: {@code key}, or {@code variable} in the pods, or it explicitly waived. */
  private static void require(
      Inputs in,
      String module,
      String key,
      String variable,
      String waiver,
      String what,
      String who,
      String secretKeys,
      String env,
      String prefix,
      Map<String, String> extraEnv,
      List<ConfigProblem> problems) {
    PlatformConfig c = in.config();
    if (in.modules().contains(module) && c.getString(key).isEmpty() && !extraEnv.containsKey(variable) && !c.getBoolean(waiver, false)) {
      problems.add(
          problem(
              c,
              prefix,
              env,
              "the production environment needs " + what + ": without one " + who + " refuses to start and the pod would exit 2",
              "set " + key + " in platform-" + env + ".yaml, or " + prefix + ".env." + variable + ", or name the Secret holding " + secretKeys + " in " + prefix + ".env-from-secret"));
    }
  }

  /** The platform's own backends the pod must reach: Vault, Unleash, the OTLP collector, Backstage. */
  private static final Map<String, String> BACKENDS =
      Map.of(
          "vault", "platform.secrets.vault.address",
          "unleash", "platform.flags.unleash.url",
          "otlp", "platform.observability.otlp.endpoint",
          "backstage", "platform.catalog.register.url");

  private static final Map<String, String> BACKEND_VARIABLES = Map.of("vault", "VAULT_ADDR", "unleash", "UNLEASH_URL", "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT");

  /**
   * Egress to the backends configured by URL: an in-cluster host ({@code vault.vault.svc}) becomes
   * its namespace on the URL's port, an IP address an IP block; any other host needs its addresses
   * declared ({@code platform.deploy.egress.<backend>.cidr}) — a NetworkPolicy cannot name a host.
   * {@code platform.deploy.egress.<name>} declares any further peer.
   */
  private static List<Map<String, Object>> backendEgress(PlatformConfig c, Map<String, String> extraEnv, List<ConfigProblem> problems) {
    List<Map<String, Object>> rules = new ArrayList<>();
    java.util.Set<String> declared = c.childNames(DeploySettings.EGRESS);
    for (String name : declared) {
      Map<String, Object> rule = peerRule(c, DeploySettings.EGRESS + "." + name, name, null, problems);
      if (rule != null) {
        rules.add(rule);
      }
    }
    for (Map.Entry<String, String> b : new java.util.TreeMap<>(BACKENDS).entrySet()) {
      if (declared.contains(b.getKey())) {
        continue;
      }
      String variable = BACKEND_VARIABLES.get(b.getKey());
      java.util.Optional<String> url = c.getString(b.getValue()).or(() -> java.util.Optional.ofNullable(variable == null ? null : extraEnv.get(variable)));
      if (url.isEmpty() || url.get().isBlank()) {
        continue;
      }
      java.net.URI uri;
      try {
        uri = java.net.URI.create(url.get().strip());
      } catch (IllegalArgumentException e) {
        continue; // the module reports a malformed URL at start-up
      }
      String host = uri.getHost();
      if (host == null) {
        continue;
      }
      int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
      String[] parts = host.split("\\.");
      if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        rules.add(map("to", List.of(map("ipBlock", map("cidr", host + "/32"))), "ports", List.of(map("protocol", "TCP", "port", port))));
      } else if (parts.length >= 3 && parts[2].equals("svc") && DNS_LABEL.matcher(parts[1]).matches()) {
        rules.add(
            map(
                "to", List.of(map("namespaceSelector", map("matchLabels", map("kubernetes.io/metadata.name", parts[1])))),
                "ports", List.of(map("protocol", "TCP", "port", port))));
      } else {
        problems.add(
            problem(
                c,
                b.getValue(),
                url.get(),
                "the NetworkPolicy cannot allow the host " + host + " by name, so the pod could not reach " + b.getKey(),
                "declare its addresses: " + DeploySettings.EGRESS + "." + b.getKey() + ".cidr (and .port, default " + port + "), or use its in-cluster name <service>.<namespace>.svc"));
      }
    }
    return rules;
  }

  /** The termination bounds: the drain, the in-flight deadline, the modules' own stop bounds. */
  record Shutdown(long drainSeconds, long graceSeconds) {}

  static Shutdown shutdown(PlatformConfig c) {
    Duration drain = c.get(CoreSettings.SHUTDOWN_DRAIN);
    Duration timeout = c.get(CoreSettings.SHUTDOWN_TIMEOUT);
    // The modules phase: the scheduler's 2 s, then the telemetry flush, bounded by its own key.
    Duration telemetry = c.getDuration("platform.observability.shutdown-timeout", Duration.ofSeconds(10));
    long drainSeconds = Math.max(1, seconds(drain));
    return new Shutdown(drainSeconds, drainSeconds + seconds(timeout) + 2 + seconds(telemetry) + 3);
  }

  private static long seconds(Duration d) {
    return (d.toMillis() + 999) / 1000;
  }

  /** A probe answers within the health checks' own deadline, plus a second. */
  static int probeTimeout(PlatformConfig c) {
    return (int) seconds(c.get(CoreSettings.HEALTH_TIMEOUT)) + 1;
  }

  /** The whole number at {@code key} from {@code min} to {@code max}; null when unset or wrong (then a problem says so). */
  private static @org.jspecify.annotations.Nullable Integer integer(PlatformConfig c, String key, int min, int max, List<ConfigProblem> problems) {
    java.util.Optional<String> text = c.getString(key).map(String::strip);
    if (text.isEmpty()) {
      return null;
    }
    try {
      int v = Integer.parseInt(text.get());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(problem(c, key, text.get(), "not an integer from " + min + " to " + max, "set " + key + " to a whole number from " + min + " to " + max));
    return null;
  }

  static int defaultReplicas(int tier) {
    return switch (tier) {
      case 1 -> 3;
      case 2, 3 -> 2;
      default -> 1;
    };
  }

  private static ConfigProblem problem(PlatformConfig c, String key, String value, String problem, String fix) {
    return problem(c, key, key, value, problem, fix);
  }

  /** A problem of {@code key}, located where {@code sourceKey} (a key, or a section) was set. */
  private static ConfigProblem problem(PlatformConfig c, String key, String sourceKey, String value, String problem, String fix) {
    // A key with a value, or a section (an environment): where its first value was set.
    String source =
        c.value(sourceKey)
            .or(() -> c.value(key))
            .or(() -> c.entries().entrySet().stream().filter(e -> e.getKey().startsWith(sourceKey + ".")).map(Map.Entry::getValue).findFirst())
            .map(ConfigValue::source)
            .orElse("default");
    return new ConfigProblem(key, source, "'" + value + "': " + problem, fix);
  }

  /** {@code app.kubernetes.io/*} and the show-back labels (team, system, tier, cost centre) cost tools group by. */
  private static Map<String, String> labels(ServiceDescriptor d, List<ConfigProblem> problems, PlatformConfig c) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("app.kubernetes.io/name", d.name());
    l.put("app.kubernetes.io/instance", d.name());
    l.put("app.kubernetes.io/version", labelSafe(d.version()));
    d.system().ifPresent(s -> l.put("app.kubernetes.io/part-of", s));
    l.put("app.kubernetes.io/managed-by", "paved");
    d.owner().ifPresent(o -> l.put("paved.dev/team", o));
    d.system().ifPresent(s -> l.put("paved.dev/system", s));
    l.put("paved.dev/tier", String.valueOf(d.tier()));
    d.costCentre().ifPresent(cc -> l.put("paved.dev/cost-centre", cc));
    Map<String, String> keys =
        Map.of(
            "paved.dev/team", CoreSettings.SERVICE_OWNER.name(),
            "paved.dev/system", CoreSettings.SERVICE_SYSTEM.name(),
            "paved.dev/cost-centre", CoreSettings.SERVICE_COST_CENTRE.name(),
            "app.kubernetes.io/part-of", CoreSettings.SERVICE_SYSTEM.name());
    for (Map.Entry<String, String> e : keys.entrySet()) {
      String v = l.get(e.getKey());
      if (v != null && !LABEL_VALUE.matcher(v).matches()) {
        problems.add(problem(c, e.getValue(), v, "cannot be a Kubernetes label value (letters, digits, '-', '_', '.', at most 63, starting and ending with a letter or digit)", "write it as a label value, such as team-orders"));
        l.remove(e.getKey());
      }
    }
    return l;
  }

  /** A version as a label value: characters a label cannot hold become '_'. */
  static String labelSafe(String v) {
    String s = v.replaceAll("[^A-Za-z0-9_.-]", "_");
    s = s.length() > 63 ? s.substring(0, 63) : s;
    return s.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
  }

  private static Map<String, String> selector(ServiceDescriptor d) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("app.kubernetes.io/name", d.name());
    s.put("app.kubernetes.io/instance", d.name());
    return s;
  }

  private static Resources resources(ServiceDescriptor d, PlatformConfig c, List<ConfigProblem> problems) {
    String[] cpu = {"1", "500m", "250m", "100m"};
    String[] memory = {"1Gi", "768Mi", "512Mi", "256Mi"};
    int t = Math.min(4, Math.max(1, d.tier())) - 1;
    String r = quantity(c, DeploySettings.CPU, cpu[t], problems);
    String m = quantity(c, DeploySettings.MEMORY, memory[t], problems);
    if (Quantity.parse(m).compareTo(BigDecimal.valueOf(64L * 1024 * 1024)) < 0) {
      // 100m is a tenth of a byte: the typo for 100Mi; a JVM needs far more in any case.
      problems.add(problem(c, DeploySettings.MEMORY.name(), m, "less than 64Mi, too little for a JVM (100m is a tenth of a byte, not 100Mi)", "give the memory in Mi or Gi, such as 512Mi"));
    }
    String l = c.find(DeploySettings.CPU_LIMIT).isPresent() ? quantity(c, DeploySettings.CPU_LIMIT, "", problems) : "";
    return new Resources(r, m, l);
  }

  private static String quantity(PlatformConfig c, ConfigKey<String> key, String defaultValue, List<ConfigProblem> problems) {
    String v = c.find(key).map(String::strip).orElse(defaultValue);
    if (!QUANTITY.matcher(v).matches() || Quantity.parse(v).signum() <= 0) {
      problems.add(problem(c, key.name(), v, "not a positive Kubernetes quantity", "write it as Kubernetes does: 250m or 0.5 for CPU, 512Mi or 1Gi for memory"));
      return defaultValue.isEmpty() ? "1" : defaultValue;
    }
    return v;
  }

  /** The egress rules: DNS, and each declared dependency as a peer on its port. */
  private static List<Map<String, Object>> egress(ServiceDescriptor d, PlatformConfig c, List<ConfigProblem> problems) {
    List<Map<String, Object>> rules = new ArrayList<>();
    String dnsNamespace = c.get(DeploySettings.DNS_NAMESPACE).strip();
    if (!DNS_LABEL.matcher(dnsNamespace).matches()) {
      problems.add(problem(c, DeploySettings.DNS_NAMESPACE.name(), dnsNamespace, "not a valid Kubernetes namespace", "name the namespace of the cluster's DNS pods, such as kube-system"));
    }
    List<Object> dns = new ArrayList<>();
    dns.add(map("namespaceSelector", map("matchLabels", map("kubernetes.io/metadata.name", dnsNamespace)), "podSelector", map("matchLabels", map("k8s-app", "kube-dns"))));
    java.util.Optional<String> dnsCidr = c.find(DeploySettings.DNS_CIDR).map(String::strip);
    if (dnsCidr.isPresent()) {
      if (validCidr(dnsCidr.get())) {
        dns.add(map("ipBlock", map("cidr", dnsCidr.get())));
      } else {
        problems.add(problem(c, DeploySettings.DNS_CIDR.name(), dnsCidr.get(), "not a CIDR block", "write the DNS server's address as a CIDR, such as 169.254.20.10/32"));
      }
    }
    rules.add(map("to", dns, "ports", List.of(map("protocol", "UDP", "port", 53), map("protocol", "TCP", "port", 53))));
    java.util.Set<String> known = new java.util.HashSet<>();
    for (ServiceDescriptor.Dependency dep : d.dependencies()) {
      known.add(dep.name());
      Map<String, Object> rule = peerRule(c, DeploySettings.DEPENDENCIES + "." + dep.name(), dep.name(), dep, problems);
      if (rule != null) {
        rules.add(rule);
      }
    }
    for (String name : c.childNames(DeploySettings.DEPENDENCIES)) {
      if (!known.contains(name)) {
        problems.add(
            problem(
                c,
                DeploySettings.DEPENDENCIES + "." + name,
                name,
                "no such dependency: the service declares " + (known.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(known))),
                "declare it in platform.service.dependencies." + name + ".kind, or fix the name"));
      }
    }
    return rules;
  }

  /**
   * One egress rule: to {@code prefix.cidr} (an IP block), else to the pods named {@code name}
   * ({@code app.kubernetes.io/name}), in {@code prefix.namespace} when given; on {@code
   * prefix.port}, else the dependency kind's port. Null (with a problem) when it cannot be one.
   */
  private static @org.jspecify.annotations.Nullable Map<String, Object> peerRule(
      PlatformConfig c, String prefix, String name, ServiceDescriptor.@org.jspecify.annotations.Nullable Dependency dep, List<ConfigProblem> problems) {
    Integer declaredPort = integer(c, prefix + ".port", 1, 65535, problems);
    Integer port = declaredPort != null ? declaredPort : dep == null ? null : defaultPort(dep.kind());
    if (port == null) {
      problems.add(
          problem(
              c,
              prefix + ".port",
              dep != null ? "platform.service.dependencies." + name : prefix,
              "not set",
              (dep != null ? "the dependency " + name + " (kind " + dep.kind().id() + ") has no default port" : "the egress peer " + name + " has no port")
                  + ", so the NetworkPolicy cannot allow it",
              "set " + prefix + ".port"));
      return null;
    }
    Object peer;
    java.util.Optional<String> cidr = c.getString(prefix + ".cidr");
    java.util.Optional<String> ns = c.getString(prefix + ".namespace").map(String::strip);
    if (cidr.isPresent()) {
      if (!validCidr(cidr.get().strip())) {
        problems.add(problem(c, prefix + ".cidr", cidr.get(), "not a CIDR block", "write the addresses as an IPv4 or IPv6 CIDR, such as 10.20.0.0/16"));
        return null;
      }
      peer = map("ipBlock", map("cidr", cidr.get().strip()));
    } else {
      if (dep == null && ns.isEmpty()) {
        problems.add(problem(c, prefix, name, "an egress peer needs its addresses or its namespace", "set " + prefix + ".cidr, or " + prefix + ".namespace"));
        return null;
      }
      if (dep != null && !LABEL_VALUE.matcher(name).matches()) {
        problems.add(
            problem(
                c,
                "platform.service.dependencies." + name,
                name,
                "the dependency's name cannot select its pods (a label value) in a NetworkPolicy",
                "name it as its pods are labelled (app.kubernetes.io/name), or set " + prefix + ".cidr"));
        return null;
      }
      Map<String, Object> p = new LinkedHashMap<>();
      if (ns.isPresent()) {
        if (!DNS_LABEL.matcher(ns.get()).matches()) {
          problems.add(problem(c, prefix + ".namespace", ns.get(), "not a valid Kubernetes namespace", "name the namespace its pods run in, such as inventory-prod"));
          return null;
        }
        p.put("namespaceSelector", map("matchLabels", map("kubernetes.io/metadata.name", ns.get())));
      }
      if (dep != null) {
        p.put("podSelector", map("matchLabels", map("app.kubernetes.io/name", name)));
      }
      peer = p;
    }
    return map("to", List.of(peer), "ports", List.of(map("protocol", "TCP", "port", port)));
  }

  static @org.jspecify.annotations.Nullable Integer defaultPort(ServiceDescriptor.DependencyKind kind) {
    return switch (kind) {
      case HTTP, GRPC -> 8080;
      case DATABASE -> 5432;
      case CACHE -> 6379;
      case KAFKA -> 9092;
      case MESSAGING -> 5672;
      case OTHER -> null;
    };
  }

  static boolean validCidr(String cidr) {
    java.util.regex.Matcher m = IPV4_CIDR.matcher(cidr);
    if (m.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(m.group(i)) > 255) {
          return false;
        }
      }
      return Integer.parseInt(m.group(5)) <= 32;
    }
    int slash = cidr.indexOf('/');
    if (slash < 0 || !cidr.substring(0, slash).matches("[0-9A-Fa-f:]+") || !cidr.substring(0, slash).contains(":")) {
      return false;
    }
    try {
      java.net.InetAddress.getByName(cidr.substring(0, slash));
      int bits = Integer.parseInt(cidr.substring(slash + 1));
      return bits >= 0 && bits <= 128;
    } catch (java.net.UnknownHostException | NumberFormatException e) {
      return false;
    }
  }

  private static Map<String, Object> meta(String name, String namespace, Map<String, String> labels) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    if (!namespace.isEmpty()) {
      m.put("namespace", namespace);
    }
    m.put("labels", new LinkedHashMap<>(labels));
    return m;
  }

  private static Map<String, Object> doc(String apiVersion, String kind, Map<String, Object> metadata) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("apiVersion", apiVersion);
    m.put("kind", kind);
    m.put("metadata", metadata);
    return m;
  }

  /** An ordered map of name, value, name, value, ... */
  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static Map<String, Object> namespace(String namespace, Map<String, String> labels) {
    Map<String, String> l = new LinkedHashMap<>(labels);
    l.remove("app.kubernetes.io/name");
    l.remove("app.kubernetes.io/instance");
    l.remove("app.kubernetes.io/version");
    // Pods of the namespace must meet the restricted Pod Security Standard, as Paved's do.
    l.put("pod-security.kubernetes.io/enforce", "restricted");
    return doc("v1", "Namespace", meta(namespace, "", l));
  }

  private static Map<String, Object> quota(ServiceDescriptor d, String namespace, Map<String, String> labels, Resources r, int maxReplicas) {
    // Room for the autoscaler's maximum during a rolling update (a surge of 25%, rounded up) and
    // a spare pod.
    int pods = maxReplicas + (maxReplicas + 3) / 4 + 1;
    Map<String, Object> hard = new LinkedHashMap<>();
    hard.put("pods", String.valueOf(pods));
    hard.put("requests.cpu", Quantity.cpu(Quantity.parse(r.cpu()).multiply(BigDecimal.valueOf(pods))));
    hard.put("requests.memory", Quantity.memory(Quantity.parse(r.memory()).multiply(BigDecimal.valueOf(pods))));
    hard.put("limits.memory", Quantity.memory(Quantity.parse(r.memory()).multiply(BigDecimal.valueOf(pods))));
    Map<String, Object> m = doc("v1", "ResourceQuota", meta(d.name() + "-quota", namespace, labels));
    m.put("spec", map("hard", hard));
    return m;
  }

  private static Map<String, Object> limitRange(ServiceDescriptor d, String namespace, Map<String, String> labels, Resources r) {
    Map<String, Object> limit = new LinkedHashMap<>();
    limit.put("type", "Container");
    Map<String, Object> def = new LinkedHashMap<>();
    def.put("memory", r.memory());
    if (!r.cpuLimit().isEmpty()) {
      def.put("cpu", r.cpuLimit());
    }
    limit.put("default", def);
    limit.put("defaultRequest", map("cpu", r.cpu(), "memory", r.memory()));
    Map<String, Object> m = doc("v1", "LimitRange", meta(d.name() + "-limits", namespace, labels));
    m.put("spec", map("limits", List.of(limit)));
    return m;
  }

  private static Map<String, Object> serviceAccount(ServiceDescriptor d, String namespace, Map<String, String> labels, boolean token) {
    Map<String, Object> m = doc("v1", "ServiceAccount", meta(d.name(), namespace, labels));
    // Its token only where Vault's kubernetes auth logs in with it.
    m.put("automountServiceAccountToken", token);
    return m;
  }

  private static Map<String, Object> configMap(ServiceDescriptor d, String namespace, Map<String, String> labels, Map<String, String> files) {
    Map<String, Object> m = doc("v1", "ConfigMap", meta(d.name() + "-config", namespace, labels));
    m.put("data", new LinkedHashMap<>(files));
    return m;
  }

  private static Map<String, Object> deployment(
      ServiceDescriptor d,
      String env,
      String namespace,
      Map<String, String> labels,
      String image,
      String pavedVersion,
      int httpPort,
      int adminPort,
      Resources r,
      Shutdown shutdown,
      int probeTimeout,
      String envFromSecret,
      Map<String, String> extraEnv,
      boolean serviceAccountToken) {
    Map<String, Object> metadata = meta(d.name(), namespace, labels);
    metadata.put("annotations", map("paved.dev/sdk-version", pavedVersion));
    Map<String, Object> m = doc("apps/v1", "Deployment", metadata);
    // The preStop sleep is the drain (the pod leaves the Service's endpoints meanwhile); then
    // SIGTERM runs the platform's shutdown with its own drain off: in-flight work bounded by its
    // timeout, the modules (the scheduler's 2 s, the telemetry flush's own bound). The grace
    // period covers them all, and 3 s for the admin server.
    long drainSeconds = shutdown.drainSeconds();
    long grace = shutdown.graceSeconds();
    List<Map<String, Object>> envVars = new ArrayList<>();
    envVars.add(map("name", "PLATFORM_SERVICE_ENVIRONMENT", "value", env));
    envVars.add(map("name", "PLATFORM_CONFIG", "value", CONFIG_DIR + "/platform.yaml"));
    envVars.add(map("name", "PLATFORM_ADMIN_PORT", "value", String.valueOf(adminPort)));
    envVars.add(map("name", "PLATFORM_ADMIN_BIND_ADDRESS", "value", "0.0.0.0"));
    envVars.add(map("name", "PLATFORM_SHUTDOWN_DRAIN", "value", "0s"));
    envVars.add(map("name", "HTTP_PORT", "value", String.valueOf(httpPort)));
    extraEnv.forEach((k, v) -> envVars.add(map("name", k, "value", v)));
    Map<String, Object> requests = map("cpu", r.cpu(), "memory", r.memory());
    Map<String, Object> limits = new LinkedHashMap<>();
    limits.put("memory", r.memory());
    if (!r.cpuLimit().isEmpty()) {
      limits.put("cpu", r.cpuLimit());
    }
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", d.name());
    container.put("image", image);
    container.put("imagePullPolicy", "IfNotPresent");
    container.put("ports", List.of(map("name", "http", "containerPort", httpPort, "protocol", "TCP"), map("name", "admin", "containerPort", adminPort, "protocol", "TCP")));
    container.put("env", envVars);
    if (!envFromSecret.isEmpty()) {
      container.put("envFrom", List.of(map("secretRef", map("name", envFromSecret))));
    }
    container.put("resources", map("requests", requests, "limits", limits));
    container.put("startupProbe", probe("/health/live", 2, 60, probeTimeout));
    container.put("livenessProbe", probe("/health/live", 10, 3, probeTimeout));
    container.put("readinessProbe", probe("/health/ready", 5, 2, probeTimeout));
    container.put("lifecycle", map("preStop", map("sleep", map("seconds", drainSeconds))));
    container.put(
        "securityContext",
        map("allowPrivilegeEscalation", false, "readOnlyRootFilesystem", true, "runAsNonRoot", true, "capabilities", map("drop", List.of("ALL"))));
    container.put("volumeMounts", List.of(map("name", "config", "mountPath", CONFIG_DIR, "readOnly", true), map("name", "tmp", "mountPath", "/tmp")));
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("serviceAccountName", d.name());
    pod.put("automountServiceAccountToken", serviceAccountToken);
    pod.put("terminationGracePeriodSeconds", grace);
    pod.put(
        "securityContext",
        map("runAsNonRoot", true, "runAsUser", USER, "runAsGroup", USER, "fsGroup", USER, "seccompProfile", map("type", "RuntimeDefault")));
    pod.put(
        "topologySpreadConstraints",
        List.of(
            map("maxSkew", 1, "topologyKey", "topology.kubernetes.io/zone", "whenUnsatisfiable", "ScheduleAnyway", "labelSelector", map("matchLabels", selector(d))),
            map("maxSkew", 1, "topologyKey", "kubernetes.io/hostname", "whenUnsatisfiable", "ScheduleAnyway", "labelSelector", map("matchLabels", selector(d)))));
    pod.put("containers", List.of(container));
    pod.put("volumes", List.of(map("name", "config", "configMap", map("name", d.name() + "-config")), map("name", "tmp", "emptyDir", map("sizeLimit", "256Mi"))));
    Map<String, Object> spec = new LinkedHashMap<>();
    // No replicas: the HorizontalPodAutoscaler owns them (a GitOps sync would fight it otherwise).
    spec.put("revisionHistoryLimit", 5);
    spec.put("selector", map("matchLabels", selector(d)));
    spec.put("strategy", map("type", "RollingUpdate", "rollingUpdate", map("maxSurge", "25%", "maxUnavailable", 0)));
    spec.put("template", map("metadata", map("labels", new LinkedHashMap<>(labels)), "spec", pod));
    m.put("spec", spec);
    return m;
  }

  private static Map<String, Object> probe(String path, int period, int failures, int timeout) {
    return map("httpGet", map("path", path, "port", "admin"), "periodSeconds", period, "failureThreshold", failures, "timeoutSeconds", timeout);
  }

  private static Map<String, Object> service(ServiceDescriptor d, String namespace, Map<String, String> labels, int httpPort, int adminPort) {
    Map<String, Object> m = doc("v1", "Service", meta(d.name(), namespace, labels));
    m.put(
        "spec",
        map(
            "type", "ClusterIP",
            "selector", selector(d),
            "ports", List.of(map("name", "http", "port", httpPort, "targetPort", "http", "protocol", "TCP"), map("name", "admin", "port", adminPort, "targetPort", "admin", "protocol", "TCP"))));
    return m;
  }

  private static Map<String, Object> pdb(ServiceDescriptor d, String namespace, Map<String, String> labels) {
    Map<String, Object> m = doc("policy/v1", "PodDisruptionBudget", meta(d.name(), namespace, labels));
    m.put("spec", map("maxUnavailable", 1, "selector", map("matchLabels", selector(d))));
    return m;
  }

  private static Map<String, Object> hpa(ServiceDescriptor d, String namespace, Map<String, String> labels, int min, int max, int cpu) {
    Map<String, Object> m = doc("autoscaling/v2", "HorizontalPodAutoscaler", meta(d.name(), namespace, labels));
    m.put(
        "spec",
        map(
            "scaleTargetRef", deploymentRef(d),
            "minReplicas", min,
            "maxReplicas", max,
            "metrics", List.of(map("type", "Resource", "resource", map("name", "cpu", "target", map("type", "Utilization", "averageUtilization", cpu))))));
    return m;
  }

  /**
   * A job run once per process ({@code Jobs.runOnce}): the Deployment's pod without what a server
   * needs (probes, preStop drain, spreading), never two runs at once, and a pod failure policy
   * from the job's exit codes: 2 (could not start), 3 (past its deadline) and 4 (skipped) fail the
   * run at once, 1 is retried.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> cronJob(
      ServiceDescriptor d, String namespace, Map<String, String> labels, Map<String, Object> deployment, String schedule, String timeZone, Duration deadline) {
    Map<String, Object> template = child(child(deployment, "spec"), "template");
    Map<String, Object> pod = new LinkedHashMap<>(child(template, "spec"));
    Map<String, Object> container = new LinkedHashMap<>(((List<Map<String, Object>>) java.util.Objects.requireNonNull(pod.get("containers"))).get(0));
    container.remove("startupProbe");
    container.remove("livenessProbe");
    container.remove("readinessProbe");
    container.remove("lifecycle");
    pod.put("containers", List.of(container));
    pod.remove("topologySpreadConstraints");
    pod.put("restartPolicy", "Never");
    Map<String, Object> podTemplate = map("metadata", child(template, "metadata"), "spec", pod);
    Map<String, Object> jobSpec = new LinkedHashMap<>();
    jobSpec.put("backoffLimit", 2);
    jobSpec.put("activeDeadlineSeconds", Math.max(1, deadline.toSeconds()));
    jobSpec.put(
        "podFailurePolicy",
        map("rules", List.of(map("action", "FailJob", "onExitCodes", map("containerName", d.name(), "operator", "In", "values", List.of(2, 3, 4))))));
    jobSpec.put("template", podTemplate);
    Map<String, Object> metadata = meta(d.name(), namespace, labels);
    metadata.put("annotations", child(child(deployment, "metadata"), "annotations"));
    Map<String, Object> m = doc("batch/v1", "CronJob", metadata);
    m.put(
        "spec",
        map(
            "schedule", schedule,
            "timeZone", timeZone,
            "concurrencyPolicy", "Forbid",
            "startingDeadlineSeconds", 300,
            "successfulJobsHistoryLimit", 3,
            "failedJobsHistoryLimit", 3,
            "jobTemplate", map("metadata", map("labels", new LinkedHashMap<>(labels)), "spec", jobSpec)));
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> m, String key) {
    return (Map<String, Object>) java.util.Objects.requireNonNull(m.get(key), key);
  }

  /** What an autoscaler scales: the service's Deployment. */
  private static Map<String, Object> deploymentRef(ServiceDescriptor d) {
    return map("apiVersion", "apps/v1", "kind", "Deployment", "name", d.name());
  }

  /** KEDA scaling the Deployment on the consumer group's lag, read from Prometheus. */
  private static Map<String, Object> scaledObject(
      ServiceDescriptor d, String namespace, Map<String, String> labels, int min, int max, int threshold, String group, String prometheusUrl) {
    Map<String, Object> m = doc("keda.sh/v1alpha1", "ScaledObject", meta(d.name(), namespace, labels));
    m.put(
        "spec",
        map(
            "scaleTargetRef", deploymentRef(d),
            "minReplicaCount", min,
            "maxReplicaCount", max,
            "triggers",
            List.of(
                map(
                    "type", "prometheus",
                    "metadata",
                    map(
                        "serverAddress", prometheusUrl,
                        "query", "sum(messaging_kafka_consumer_group_lag{messaging_consumer_group_name=\"" + group + "\"})",
                        "threshold", String.valueOf(threshold))))));
    return m;
  }

  private static Map<String, Object> serviceMonitor(ServiceDescriptor d, String namespace, Map<String, String> labels) {
    Map<String, Object> m = doc("monitoring.coreos.com/v1", "ServiceMonitor", meta(d.name(), namespace, labels));
    m.put("spec", map("selector", map("matchLabels", selector(d)), "endpoints", List.of(map("port", "admin", "path", "/metrics", "interval", "30s"))));
    return m;
  }

  private static Map<String, Object> networkPolicy(
      ServiceDescriptor d, String namespace, Map<String, String> labels, int httpPort, int adminPort, List<Map<String, Object>> egress, String ns) {
    Map<String, Object> m = doc("networking.k8s.io/v1", "NetworkPolicy", meta(d.name(), namespace, labels));
    m.put(
        "spec",
        map(
            "podSelector", map("matchLabels", selector(d)),
            "policyTypes", List.of("Ingress", "Egress"),
            "ingress", List.of(map("ports", List.of(map("protocol", "TCP", "port", httpPort), map("protocol", "TCP", "port", adminPort)))),
            "egress", egress));
    return m;
  }

  /** Kubernetes quantities, as far as the quota needs them: parse, and write CPU in millicores, memory in Mi. */
  static final class Quantity {
    private Quantity() {}

    static BigDecimal parse(String q) {
      String[][] suffixes = {
        {"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"Ti", "1099511627776"}, {"Pi", "1125899906842624"}, {"Ei", "1152921504606846976"},
        {"n", "0.000000001"}, {"u", "0.000001"}, {"m", "0.001"}, {"k", "1000"}, {"M", "1000000"}, {"G", "1000000000"}, {"T", "1000000000000"}, {"P", "1000000000000000"}, {"E", "1000000000000000000"}
      };
      String s = q.startsWith("+") ? q.substring(1) : q;
      for (String[] suffix : suffixes) {
        if (s.endsWith(suffix[0])) {
          return new BigDecimal(s.substring(0, s.length() - suffix[0].length())).multiply(new BigDecimal(suffix[1]));
        }
      }
      return new BigDecimal(s);
    }

    static String cpu(BigDecimal cores) {
      return cores.multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING).toPlainString() + "m";
    }

    static String memory(BigDecimal bytes) {
      return bytes.divide(BigDecimal.valueOf(1048576), 0, RoundingMode.CEILING).toPlainString() + "Mi";
    }
  }
}
