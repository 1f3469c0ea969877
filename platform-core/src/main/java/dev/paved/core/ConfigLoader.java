package dev.paved.core;

import dev.paved.core.internal.Suggestions;
import dev.paved.core.internal.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Builds the layered {@link PlatformConfig} and collects every problem on the way. */
final class ConfigLoader {
  static final String CONFIG_FILE_VARIABLE = "PLATFORM_CONFIG";
  static final String CONFIG_FILE_PROPERTY = "platform.config.file";
  static final String DEFAULT_FILE = "platform.yaml";
  static final String DEFAULT_ENVIRONMENT = "local";

  private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([^}]*)}");

  /** What the loader reads: the process's environment, unless a test gives another. */
  record Inputs(
      Map<String, String> environment,
      Map<String, String> systemProperties,
      Map<String, String> overrides,
      ClassLoader classLoader,
      List<ConfigValue> remote,
      Map<String, String> overrideSources,
      Map<String, ConfigValue> hostDefaults) {
    Inputs(Map<String, String> environment, Map<String, String> systemProperties, Map<String, String> overrides, ClassLoader classLoader) {
      this(environment, systemProperties, overrides, classLoader, List.of(), Map.of(), Map.of());
    }
  }

  /**
   * The loaded configuration, its problems, and the files it was read from or would be read from
   * if they existed (so that a watcher sees an environment file appear).
   */
  record Result(PlatformConfig config, List<ConfigProblem> problems, String environmentName, List<Path> files) {}

  private final Inputs inputs;
  private final List<ConfigKey<?>> keys;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Map<String, ConfigValue> values = new LinkedHashMap<>();
  private final List<Path> files = new ArrayList<>();
  /** Undeclared keys without a list index, reported by {@link #reportUnknownSections}. */
  private final List<ConfigValue> unknownPlain = new ArrayList<>();
  /** Undeclared keys under a list index, by the list's root key. */
  private final Map<String, List<ConfigValue>> unknownLists = new LinkedHashMap<>();

  private ConfigLoader(Inputs inputs, List<ConfigKey<?>> keys) {
    this.inputs = inputs;
    this.keys = keys;
  }

  static Result load(Inputs inputs, List<ConfigKey<?>> keys) {
    return new ConfigLoader(inputs, keys).load();
  }

  private Result load() {
    // 1. Built-in defaults.
    for (ConfigKey<?> key : keys) {
      if (!key.isPattern()) {
        key.defaultText().ifPresent(d -> values.put(key.name(), new ConfigValue(key.name(), d, "default")));
      }
    }

    // 1b. What the build recorded (META-INF/paved/build-info.properties, written by paved:build-info):
    // the service's version, below every file, so that a version written nowhere else is the pom's.
    buildInfo();

    // 1c. A host's defaults (Platform.Builder.defaultProperty): below every file and variable.
    values.putAll(inputs.hostDefaults());

    // 2. platform.yaml (classpath, or the file named by PLATFORM_CONFIG).
    // An empty variable or property counts as unset, as shells and CI tools leave them empty.
    String fileVariable = blankToNull(inputs.environment().get(CONFIG_FILE_VARIABLE));
    String fileProperty = blankToNull(inputs.systemProperties().get(CONFIG_FILE_PROPERTY));
    @Nullable Path baseDir = null;
    Map<String, ConfigValue> base = new LinkedHashMap<>();
    if (fileProperty != null || fileVariable != null) {
      String named = fileProperty != null ? fileProperty : fileVariable;
      String namedBy =
          fileProperty != null
              ? "system property " + CONFIG_FILE_PROPERTY
              : "environment variable " + CONFIG_FILE_VARIABLE;
      Path path = Path.of(named);
      files.add(path.toAbsolutePath());
      if (!Files.isRegularFile(path)) {
        problems.add(
            new ConfigProblem(
                CONFIG_FILE_VARIABLE,
                namedBy,
                "the configuration file " + path + " does not exist or is not a file",
                "point " + CONFIG_FILE_VARIABLE + " at an existing platform.yaml, or unset it"));
      } else {
        base = readFile(path);
        Path parent = path.toAbsolutePath().getParent();
        baseDir = parent;
      }
    } else {
      base = readResource(DEFAULT_FILE);
    }

    // The environment decides which platform-<environment>.yaml applies.
    String environmentName = environmentName(base);
    Map<String, ConfigValue> environmentFile;
    String envFileName = "platform-" + environmentName + ".yaml";
    if (baseDir != null) {
      Path envPath = baseDir.resolve(envFileName);
      files.add(envPath);
      environmentFile = Files.isRegularFile(envPath) ? readFile(envPath) : Map.of();
    } else {
      environmentFile = readResource(envFileName);
    }
    applyLayer(interpolate(base));
    applyLayer(interpolate(environmentFile));

    // 3. Remote sources (a configuration service), above files and below the environment.
    Map<String, ConfigValue> remoteLayer = new LinkedHashMap<>();
    for (ConfigValue v : inputs.remote()) {
      remoteLayer.put(v.key(), v);
    }
    applyLayer(remoteLayer);

    // 4. Environment variables: the OTEL_* standard ones first, then PLATFORM_*, then any
    // variable that names a key a file already set.
    Map<String, ConfigValue> envLayer =
        otelLayer(inputs.environment(), "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "environment variable ");
    for (Map.Entry<String, String> e : inputs.environment().entrySet()) {
      String name = e.getKey();
      if (name.startsWith("PLATFORM_") && !name.equals(CONFIG_FILE_VARIABLE)) {
        String source = "environment variable " + name;
        String key = keyForEnvironmentVariable(name);
        if (key == null) {
          String guess = name.toLowerCase(Locale.ROOT).replace('_', '.');
          String suggestion =
              Suggestions.closest(name, knownEnvironmentNames())
                  .map(s -> "did you mean " + s + "? Otherwise unset it")
                  .orElse("unset it, or use a documented PLATFORM_* variable (see docs/configuration.md)");
          problems.add(
              new ConfigProblem(guess, source, "unknown setting " + name, suggestion));
        } else {
          envLayer.put(key, new ConfigValue(key, e.getValue(), source));
        }
      }
    }
    for (String key : serviceKeys()) {
      {
        String name = PlatformConfig.environmentName(key);
        String v = inputs.environment().get(name);
        if (v != null) {
          envLayer.put(key, new ConfigValue(key, v, "environment variable " + name));
        }
      }
    }
    applyLayer(envLayer);

    // 5. System properties.
    Map<String, ConfigValue> propLayer =
        otelLayer(inputs.systemProperties(), "otel.service.name", "otel.resource.attributes", "system property ");
    for (Map.Entry<String, String> e : inputs.systemProperties().entrySet()) {
      String key = e.getKey();
      if ((key.startsWith("platform.") && !key.equals(CONFIG_FILE_PROPERTY)) || serviceKeys().contains(key)) {
        propLayer.put(key, new ConfigValue(key, e.getValue(), "system property " + key));
      }
    }
    applyLayer(propLayer);

    // 6. Builder overrides.
    Map<String, ConfigValue> builderLayer = new LinkedHashMap<>();
    inputs.overrides().forEach((k, v) -> builderLayer.put(k, new ConfigValue(k, v, inputs.overrideSources().getOrDefault(k, "builder"))));
    applyLayer(builderLayer);

    validatePlatformKeys();
    PlatformConfig config = new PlatformConfig(values, inputs.environment(), 1);
    return new Result(config, List.copyOf(problems), environmentName, List.copyOf(files));
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** Keys outside platform. that files set, with the roots of their lists. */
  private Set<String> serviceKeys() {
    Set<String> keys = new LinkedHashSet<>();
    for (String key : values.keySet()) {
      if (!key.startsWith("platform.")) {
        keys.add(key);
        keys.add(listRoot(key));
      }
    }
    return keys;
  }

  /** Decides the environment before the environment file is read, by the same precedence. */
  private String environmentName(Map<String, ConfigValue> base) {
    String key = "platform.service.environment";
    String v = inputs.overrides().get(key);
    if (v == null) {
      v = inputs.systemProperties().get(key);
    }
    if (v == null) {
      v = inputs.environment().get("PLATFORM_SERVICE_ENVIRONMENT");
    }
    if (v == null) {
      Map<String, ConfigValue> otel = new LinkedHashMap<>();
      otelResourceAttributes(inputs.systemProperties().get("otel.resource.attributes"), "", otel);
      if (!otel.containsKey(key)) {
        otelResourceAttributes(inputs.environment().get("OTEL_RESOURCE_ATTRIBUTES"), "", otel);
      }
      ConfigValue fromOtel = otel.get(key);
      v = fromOtel == null ? null : fromOtel.value();
    }
    if (v == null) {
      ConfigValue fromFile = base.get(key);
      v = fromFile == null ? null : fromFile.value();
    }
    if (v == null || v.isBlank()) {
      return DEFAULT_ENVIRONMENT;
    }
    // Only a valid name may become part of a file name; an invalid one is reported later.
    return ServiceDescriptor.checkName(v.strip()) == null ? v.strip() : DEFAULT_ENVIRONMENT;
  }

  /** OpenTelemetry's service name and resource attributes, mapped onto the descriptor's keys. */
  private static Map<String, ConfigValue> otelLayer(
      Map<String, String> from, String serviceName, String resourceAttributes, String sourcePrefix) {
    Map<String, ConfigValue> layer = new LinkedHashMap<>();
    otelServiceName(from.get(serviceName), sourcePrefix + serviceName, layer);
    otelResourceAttributes(from.get(resourceAttributes), sourcePrefix + resourceAttributes, layer);
    return layer;
  }

  private static void otelServiceName(@Nullable String name, String source, Map<String, ConfigValue> layer) {
    if (name != null && !name.isBlank()) {
      layer.put("platform.service.name", new ConfigValue("platform.service.name", name.strip(), source));
    }
  }

  /** Maps the standard resource attributes onto the descriptor's keys. */
  private static void otelResourceAttributes(
      @Nullable String attributes, String source, Map<String, ConfigValue> layer) {
    if (attributes == null || attributes.isBlank()) {
      return;
    }
    Map<String, String> parsed = new LinkedHashMap<>();
    for (String pair : attributes.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        String k = pair.substring(0, eq).strip();
        String v = java.net.URLDecoder.decode(pair.substring(eq + 1).strip(), StandardCharsets.UTF_8);
        parsed.put(k, v);
      }
    }
    mapAttribute(parsed, "service.name", "platform.service.name", source, layer);
    mapAttribute(parsed, "service.version", "platform.service.version", source, layer);
    mapAttribute(parsed, "service.namespace", "platform.service.system", source, layer);
    mapAttribute(parsed, "deployment.environment", "platform.service.environment", source, layer);
    mapAttribute(parsed, "deployment.environment.name", "platform.service.environment", source, layer);
  }

  private static void mapAttribute(
      Map<String, String> attributes, String attribute, String key, String source, Map<String, ConfigValue> layer) {
    String v = attributes.get(attribute);
    if (v != null && !v.isEmpty()) {
      layer.put(key, new ConfigValue(key, v, source));
    }
  }

  /** Puts a layer on top: a key set here replaces the key and any list items below. */
  private void applyLayer(Map<String, ConfigValue> layer) {
    Set<String> roots = new LinkedHashSet<>();
    for (String key : layer.keySet()) {
      roots.add(listRoot(key));
    }
    for (String root : roots) {
      Iterator<String> it = values.keySet().iterator();
      while (it.hasNext()) {
        String existing = it.next();
        if (existing.equals(root) || existing.startsWith(root + "[")) {
          it.remove();
        }
      }
    }
    values.putAll(layer);
  }

  private static String listRoot(String key) {
    int bracket = key.indexOf('[');
    return bracket < 0 ? key : key.substring(0, bracket);
  }

  /** The resource the build writes with the service's version ({@code paved:build-info}). */
  static final String BUILD_INFO = "META-INF/paved/build-info.properties";

  private void buildInfo() {
    URL url = inputs.classLoader().getResource(BUILD_INFO);
    if (url == null) {
      return;
    }
    java.util.Properties p = new java.util.Properties();
    try (InputStream in = url.openStream()) {
      p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      return; // a build artefact that cannot be read changes nothing: the version stays unknown
    }
    String version = blankToNull(p.getProperty("service.version"));
    if (version != null) {
      values.put("platform.service.version", new ConfigValue("platform.service.version", version.strip(), "build (" + BUILD_INFO + ")"));
    }
  }

  private Map<String, ConfigValue> readResource(String name) {
    URL url = inputs.classLoader().getResource(name);
    if (url == null) {
      return Map.of();
    }
    try (InputStream in = url.openStream()) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
    } catch (IOException e) {
      problems.add(
          new ConfigProblem(name, name, "cannot be read (" + e.getClass().getSimpleName() + ")", "check the file"));
      return Map.of();
    }
  }

  private Map<String, ConfigValue> readFile(Path path) {
    try {
      return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
    } catch (IOException e) {
      problems.add(
          new ConfigProblem(
              path.toString(),
              path.toString(),
              "cannot be read (" + e.getClass().getSimpleName() + ")",
              "check that the file exists, is readable and is UTF-8"));
      return Map.of();
    }
  }

  private Map<String, ConfigValue> parse(String text, String name) {
    try {
      Map<String, YamlReader.Scalar> read = YamlReader.read(text);
      Map<String, ConfigValue> out = new LinkedHashMap<>();
      read.forEach(
          (k, s) -> out.put(k, new ConfigValue(k, s.value(), name + ":" + s.line() + ":" + s.column())));
      return out;
    } catch (YamlReader.YamlException e) {
      problems.add(
          new ConfigProblem(
              name,
              name + ":" + e.line() + ":" + e.column(),
              "malformed YAML: " + e.getMessage(),
              "correct line " + e.line() + ", column " + e.column() + " of " + name));
      return Map.of();
    }
  }

  /** Resolves ${VAR} and ${VAR:-default} from environment variables, then system properties. */
  private Map<String, ConfigValue> interpolate(Map<String, ConfigValue> layer) {
    Map<String, ConfigValue> out = new LinkedHashMap<>();
    for (ConfigValue v : layer.values()) {
      String text = v.value();
      if (!text.contains("${")) {
        out.put(v.key(), v);
        continue;
      }
      StringBuilder sb = new StringBuilder();
      Matcher m = INTERPOLATION.matcher(text);
      int last = 0;
      boolean ok = true;
      while (m.find()) {
        if (m.start() > 0 && text.charAt(m.start() - 1) == '$') {
          // $${X} is the literal text ${X}.
          sb.append(text, last, m.start() - 1).append(m.group());
          last = m.end();
          continue;
        }
        sb.append(text, last, m.start());
        last = m.end();
        String expr = m.group(1);
        int sep = expr.indexOf(":-");
        String name = (sep >= 0 ? expr.substring(0, sep) : expr).strip();
        String fallback = sep >= 0 ? expr.substring(sep + 2) : null;
        String resolved = name.isEmpty() ? null : inputs.environment().get(name);
        if (resolved == null && !name.isEmpty()) {
          resolved = inputs.systemProperties().get(name);
        }
        if (resolved == null) {
          resolved = fallback;
        }
        if (resolved == null) {
          ok = false;
          problems.add(
              new ConfigProblem(
                  v.key(),
                  v.source(),
                  name.isEmpty() ? "empty ${} placeholder" : "${" + name + "} is not defined",
                  name.isEmpty()
                      ? "name a variable, as in ${NAME} or ${NAME:-default}"
                      : "set the environment variable " + name + ", or give a default: ${" + name + ":-default}"));
          break;
        }
        sb.append(resolved);
      }
      if (ok) {
        sb.append(text, last, text.length());
        out.put(v.key(), new ConfigValue(v.key(), sb.toString(), v.source()));
      }
    }
    return out;
  }

  private @Nullable String keyForEnvironmentVariable(String name) {
    for (ConfigKey<?> key : keys) {
      if (!key.isPattern()) {
        if (PlatformConfig.environmentName(key.name()).equals(name)) {
          return key.name();
        }
      } else if (!key.isPrefix()) {
        String[] parts = key.name().split("\\*", -1);
        String regex =
            Pattern.quote(PlatformConfig.environmentName(parts[0]) + "_")
                + "([A-Z0-9_]+?)"
                + Pattern.quote("_" + PlatformConfig.environmentName(parts[1]));
        Matcher m = Pattern.compile(regex).matcher(name);
        if (m.matches()) {
          String segment = m.group(1).toLowerCase(Locale.ROOT).replace('_', '-');
          return key.name().replace("*", segment);
        }
      }
    }
    return null;
  }

  private Set<String> knownEnvironmentNames() {
    Set<String> names = new LinkedHashSet<>();
    for (ConfigKey<?> key : keys) {
      names.add(PlatformConfig.environmentName(key.name().replace("*", "name")));
    }
    return names;
  }

  /** Every key under platform. must be declared and must parse as its type. */
  private void validatePlatformKeys() {
    Set<String> knownNames = new LinkedHashSet<>();
    Set<String> namespaces = new LinkedHashSet<>();
    for (ConfigKey<?> key : keys) {
      knownNames.add(key.name());
      String[] parts = key.name().split("\\.");
      if (parts.length > 1) {
        namespaces.add(parts[0] + "." + parts[1]);
      }
    }
    for (ConfigValue v : values.values()) {
      if (!v.key().startsWith("platform.")) {
        continue;
      }
      ConfigKey<?> declared = null;
      for (ConfigKey<?> key : keys) {
        if (key.matches(v.key())) {
          declared = key;
          break;
        }
      }
      if (declared == null) {
        int bracket = v.key().indexOf('[');
        if (bracket > 0) {
          // A list where none belongs: one problem for the list, not one per key in it.
          unknownLists.computeIfAbsent(v.key().substring(0, bracket), k -> new ArrayList<>()).add(v);
        } else {
          unknownPlain.add(v);
        }
        continue;
      }
      try {
        if (declared.isList() && v.key().endsWith("]")) {
          try {
            declared.parseItem(v.value());
          } catch (RuntimeException e) {
            problems.add(PlatformConfig.invalid(v, declared.expectedItem()));
          }
        } else {
          declared.parse(v.value());
        }
      } catch (RuntimeException e) {
        problems.add(PlatformConfig.invalid(v, declared.expected()));
      }
    }
    reportUnknownLists(knownNames, namespaces);
    reportUnknownSections(knownNames, namespaces);
  }

  /**
   * Undeclared keys, one problem per unknown section: {@code platform.slo.availability.kind} and
   * {@code platform.slo.availability.objective} (a section written one level too high) are one
   * mistake, reported once with the keys that level takes; a lone unknown key keeps its own "did
   * you mean".
   */
  private void reportUnknownSections(Set<String> knownNames, Set<String> namespaces) {
    Map<String, List<ConfigValue>> bySection = new LinkedHashMap<>();
    Map<String, Integer> depth = new LinkedHashMap<>();
    for (ConfigValue v : unknownPlain) {
      String[] segments = v.key().split("\\.");
      int known = knownDepth(segments);
      String section = String.join(".", java.util.Arrays.copyOf(segments, Math.min(segments.length, known + 1)));
      bySection.computeIfAbsent(section, k -> new ArrayList<>()).add(v);
      depth.put(section, known);
    }
    bySection.forEach(
        (section, items) -> {
          if (items.size() == 1 || items.get(0).key().equals(section)) {
            items.forEach(v -> problems.add(unknownKey(v, knownNames, namespaces, inputs.classLoader())));
            return;
          }
          int known = depth.getOrDefault(section, 0);
          String parent = section.substring(0, Math.max(0, section.lastIndexOf('.')));
          Set<String> next = new java.util.TreeSet<>();
          for (ConfigKey<?> key : keys) {
            String[] s = key.name().split("\\.");
            if (s.length > known && prefixMatches(s, section.split("\\."), known)) {
              next.add(s[known]);
            }
          }
          String unknown = section.substring(section.lastIndexOf('.') + 1);
          String fix =
              next.isEmpty() || known <= 1
                  ? noModuleFix(String.join(".", java.util.Arrays.copyOf(section.split("\\."), Math.min(2, known + 1))), inputs.classLoader())
                  : Suggestions.closest(unknown, next)
                      .map(s -> "did you mean '" + parent + "." + s + "'?")
                      .orElse("the keys under " + parent + " are " + String.join(", ", next));
          problems.add(
              new ConfigProblem(section, items.get(0).source(), "unknown key (" + items.size() + " values under it)", fix));
        });
  }

  /** How many leading segments of {@code segments} some declared key has ('*' matching any). */
  private int knownDepth(String[] segments) {
    int best = 0;
    for (ConfigKey<?> key : keys) {
      String[] s = key.name().split("\\.");
      int i = 0;
      while (i < s.length && i < segments.length && (s[i].equals(segments[i]) || s[i].equals("*") || s[i].equals("**"))) {
        i++;
      }
      best = Math.max(best, i);
    }
    return best;
  }

  private static boolean prefixMatches(String[] declared, String[] section, int known) {
    for (int i = 0; i < known; i++) {
      if (!(declared[i].equals(section[i]) || declared[i].equals("*"))) {
        return false;
      }
    }
    return true;
  }

  /**
   * One problem for each list written where the keys take none (an SLO written as a list item
   * instead of a named entry gave one problem per key of it).
   */
  private void reportUnknownLists(Set<String> knownNames, Set<String> namespaces) {
    unknownLists.forEach(
        (root, items) -> {
          if (items.size() == 1) {
            problems.add(unknownKey(items.get(0), knownNames, namespaces, inputs.classLoader()));
            return;
          }
          boolean named = keys.stream().anyMatch(k -> k.name().startsWith(root + ".*."));
          String fix =
              named
                  ? "write named entries instead of list items: " + root + ".<name>.<key> (in YAML, a mapping under "
                      + root.substring(root.lastIndexOf('.') + 1) + ", not '- ' items)"
                  : "remove it, or see docs/configuration.md for the keys under " + root;
          problems.add(
              new ConfigProblem(
                  root,
                  items.get(0).source(),
                  "is written as a list (" + items.size() + " values under " + root + "[…]), which this key does not take",
                  fix));
        });
  }

  /** The module class that reads each namespace, to tell a lost service file from a missing module. */
  private static final Map<String, String> MODULE_CLASSES =
      Map.of(
          "platform.observability", "dev.paved.observability.ObservabilityModule",
          "platform.resilience", "dev.paved.resilience.ResilienceModule",
          "platform.config", "dev.paved.config.ConfigModule",
          "platform.secrets", "dev.paved.config.secrets.SecretsModule",
          "platform.flags", "dev.paved.config.flags.FlagsModule",
          "platform.catalog", "dev.paved.catalog.CatalogModule",
          "platform.slo", "dev.paved.slo.SloModule");

  /**
   * The fix for keys of a namespace no module declared: the module is missing, or — its classes
   * being on the classpath — its {@code META-INF/services} entry was lost (a shaded jar that did
   * not merge service files).
   */
  static String noModuleFix(String namespace, ClassLoader classLoader) {
    String moduleClass = MODULE_CLASSES.get(namespace);
    if (moduleClass != null) {
      try {
        Class.forName(moduleClass, false, classLoader);
        return "the classes of the module that reads '" + namespace + "' are on the classpath (" + moduleClass
            + "), but its entry in META-INF/services/dev.paved.core.spi.PlatformModule is not: a shaded jar must merge"
            + " service files (maven-shade-plugin's ServicesResourceTransformer)";
      } catch (ClassNotFoundException | LinkageError e) {
        // not on the classpath: the module is missing
      }
    }
    return "remove it; no Paved module on the classpath reads '" + namespace + "' (is its module a dependency?)";
  }

  private static ConfigProblem unknownKey(ConfigValue v, Set<String> knownNames, Set<String> namespaces, ClassLoader classLoader) {
    String bare = v.key().replaceAll("\\[\\d+]", "");
    // Compare against the known keys with their '*' replaced by the segment the user wrote.
    Set<String> candidates = new LinkedHashSet<>();
    String[] have = bare.split("\\.");
    for (String name : knownNames) {
      String[] want = name.split("\\.");
      if (want.length == have.length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < want.length; i++) {
          sb.append(i == 0 ? "" : ".").append(want[i].equals("*") ? have[i] : want[i]);
        }
        candidates.add(sb.toString());
      } else {
        candidates.add(name);
      }
    }
    String[] parts = bare.split("\\.");
    String namespace = parts.length > 1 ? parts[0] + "." + parts[1] : bare;
    String fix =
        Suggestions.closest(bare, candidates)
            .map(s -> "did you mean '" + s + "'?")
            .orElse(
                namespaces.contains(namespace)
                    ? "remove it, or see docs/configuration.md for the keys under " + namespace
                    : noModuleFix(namespace, classLoader));
    return new ConfigProblem(v.key(), v.source(), "unknown key", fix);
  }
}
