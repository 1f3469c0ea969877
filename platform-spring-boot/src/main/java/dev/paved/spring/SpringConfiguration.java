package dev.paved.spring;

import dev.paved.core.Platform;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Spring's {@code Environment} as Paved's configuration: every key of the application's own
 * property sources ({@code application.yaml}, profiles, command-line arguments,
 * {@code SPRING_APPLICATION_JSON}, {@code @PropertySource}), resolved by Spring in Spring's
 * precedence order, is given to the platform's builder, so it outranks {@code platform.yaml}.
 * Environment variables and system properties are read by Paved itself with the same meaning.
 * A YAML list arrives item by item ({@code key[0]}, {@code key[1]}), as Paved's own files give it. {@code spring.application.name} names the service when {@code platform.service.name} is not set.
 */
final class SpringConfiguration {
  private SpringConfiguration() {}

  /** The keys (with their values as Spring resolves them) that Paved's builder receives. */
  static Map<String, String> properties(ConfigurableEnvironment environment) {
    Map<String, String> out = new TreeMap<>();
    // Which source gave each key's root (a list's name, or the key): as in Spring's binding, a
    // list comes whole from the highest source that has it, and a scalar there replaces it.
    Map<String, String> rootSource = new java.util.HashMap<>();
    for (PropertySource<?> source : environment.getPropertySources()) {
      String name = source.getName();
      if (name.equals(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)
          || name.equals(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)
          || name.equals(PavedDefaults.NAME)
          || name.equals(PavedSecretsPropertySource.NAME)
          || name.equals(ControllerRoutes.NAME)
          || !(source instanceof EnumerablePropertySource<?> enumerable)) {
        continue;
      }
      for (String key : enumerable.getPropertyNames()) {
        if (out.containsKey(key) || SpringKeys.isSpringKey(key) || referencesSecret(enumerable.getProperty(key))) {
          continue;
        }
        String root = listRoot(key);
        String owner = rootSource.putIfAbsent(root, name);
        if (owner != null && !owner.equals(name)) {
          continue; // a higher source set this list (or scalar) already
        }
        String value = environment.getProperty(key);
        if (value != null) {
          out.put(key, value);
        }
      }
    }
    return out;
  }

  static void apply(ConfigurableEnvironment environment, Platform.Builder builder) {
    Map<String, String> properties = properties(environment);
    Map<String, String> origins = origins(environment, properties.keySet());
    // Defaults below every layer of Paved's own (platform.yaml, PLATFORM_SERVICE_NAME, OTEL_SERVICE_NAME):
    // the application's name, and the controllers' routes.
    String application = environment.getProperty("spring.application.name");
    if (application != null && !application.isBlank() && !properties.containsKey("platform.service.name")) {
      builder.defaultProperty("platform.service.name", application, "spring: spring.application.name");
    }
    org.springframework.core.env.PropertySource<?> routes = environment.getPropertySources().get(ControllerRoutes.NAME);
    Object templates = routes == null ? null : routes.getProperty(ControllerRoutes.KEY);
    if (templates != null && !properties.containsKey(ControllerRoutes.KEY)) {
      builder.defaultProperty(ControllerRoutes.KEY, templates.toString(), "spring: the controllers' mappings");
    }
    properties.forEach((k, v) -> builder.property(k, v, origins.getOrDefault(k, "spring")));
  }

  /**
   * Where Spring read each key, as Paved shows a value's source: {@code spring: class path
   * resource [application.yaml] - 3:11}, or the property source's name when it has no origin.
   * The environment's own answer wins, so an environment variable that overrides
   * {@code application.yaml} is named as one.
   */
  static Map<String, String> origins(ConfigurableEnvironment environment, Set<String> keys) {
    Map<String, String> out = new TreeMap<>();
    for (String key : keys) {
      for (PropertySource<?> source : environment.getPropertySources()) {
        if (!source.containsProperty(key)) {
          continue;
        }
        Origin origin = source instanceof OriginLookup<?> tracked ? originIn(tracked, key) : null;
        out.put(key, "spring: " + (origin == null ? source.getName() : origin.toString()));
        break;
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Origin originIn(OriginLookup<?> lookup, String key) {
    return ((OriginLookup<String>) lookup).getOrigin(key);
  }

  /** A value such as {@code ${paved.secrets.kv/x#y}} is the service's, resolved only when it asks. */
  private static boolean referencesSecret(@Nullable Object raw) {
    return raw != null && raw.toString().contains("${" + PavedSecretsPropertySource.PREFIX);
  }

  /** {@code a.b[2]} is the list {@code a.b}; {@code a.b[2].c} the list {@code a.b}; else the key. */
  private static String listRoot(String key) {
    int open = key.indexOf('[');
    return open > 0 ? key.substring(0, open) : key;
  }
}
