package dev.paved.maven;

import dev.paved.core.internal.YamlReader;
import dev.paved.observability.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.maven.plugin.logging.Log;
import org.jspecify.annotations.Nullable;

/**
 * What the build reads of a Spring Boot service (docs/spring-boot.md), so that Paved's goals see
 * what start-up will: {@code spring.application.name} as the service's name, the {@code
 * platform.*} and service keys of {@code application.yaml} / {@code .yml} / {@code .properties}
 * (above {@code platform.yaml}, as at run time; Spring placeholders resolved to their defaults,
 * since the build has no environment), and the controllers' route templates as {@code
 * platform.observability.http.routes}, read from Spring MVC's mapping annotations on the compiled
 * classes, so that an SLO can name a controller's route. Spring's own namespaces are not read; a
 * value that only the running service can know (a placeholder without a default, a secret
 * reference) is left out.
 */
final class SpringBootProject {
  private static final String ROUTES = "platform.observability.http.routes";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");
  private static final Set<String> MAPPINGS = Set.of("RequestMapping", "GetMapping", "PostMapping", "PutMapping", "DeleteMapping", "PatchMapping");
  /** One value and where it was read. */
  record Value(String value, String source) {}

  private SpringBootProject() {}

  /** Whether the service is a Spring Boot application on Paved (platform-spring-boot on its runtime classpath). */
  static boolean isSpringBoot(ClassLoader service) {
    return service.getResource("dev/paved/spring/PavedAutoConfiguration.class") != null;
  }

  /** The values the build gives Paved's builder for a Spring Boot service; empty for any other. */
  static Map<String, Value> properties(ClassLoader service, Path classes, Log log) throws IOException {
    if (!isSpringBoot(service)) {
      return Map.of();
    }
    java.util.function.Predicate<String> springKey = springKeys(service);
    Map<String, Value> raw = new LinkedHashMap<>();
    // Later wins, as in Spring Boot: .properties over .yml over .yaml.
    read(service, "application.yaml", raw);
    read(service, "application.yml", raw);
    read(service, "application.properties", raw);
    Map<String, Value> out = new TreeMap<>();
    for (Map.Entry<String, Value> e : raw.entrySet()) {
      String key = e.getKey();
      String resolved = resolve(e.getValue().value(), raw);
      if (resolved == null) {
        log.debug("Paved: " + key + " is known only when the service runs; the build leaves it out");
        continue;
      }
      if (key.equals("spring.application.name")) {
        if (!raw.containsKey("platform.service.name")) {
          out.put("platform.service.name", new Value(resolved, e.getValue().source()));
        }
        continue;
      }
      if (!springKey.test(key)) {
        // A list item by item (key[0], key[1]), as Paved's own files give it.
        out.put(key, new Value(resolved, e.getValue().source()));
      }
    }
    if (!out.containsKey(ROUTES) && !out.containsKey(ROUTES + "[0]")) {
      List<String> templates = Routes.fromPatterns(controllerPatterns(service, classes));
      if (!templates.isEmpty()) {
        out.put(ROUTES, new Value(String.join(",", templates), "the controllers' mappings in " + classes.getFileName()));
      }
    }
    return out;
  }

  private static void read(ClassLoader service, String name, Map<String, Value> into) throws IOException {
    URL url = service.getResource(name);
    if (url == null) {
      return;
    }
    String text;
    try (InputStream in = url.openStream()) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (name.endsWith(".properties")) {
      Properties p = new Properties();
      p.load(new StringReader(text));
      for (String k : p.stringPropertyNames()) {
        into.put(k, new Value(p.getProperty(k), name));
      }
      return;
    }
    try {
      for (Map.Entry<String, YamlReader.Scalar> e : YamlReader.read(text).entrySet()) {
        YamlReader.Scalar s = e.getValue();
        into.put(e.getKey(), new Value(s.value(), name + ":" + s.line() + ":" + s.column()));
      }
    } catch (YamlReader.YamlException e) {
      throw new IOException(name + ":" + e.line() + ":" + e.column() + ": " + e.getMessage(), e);
    }
  }

  /** Spring's {@code ${name:default}}: another key of the files, else the default; null if neither. */
  private static @Nullable String resolve(String value, Map<String, Value> raw) {
    if (value.contains("${paved.secrets.")) {
      return null;
    }
    Matcher m = PLACEHOLDER.matcher(value);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      Value other = raw.get(m.group(1));
      String replacement = other != null && !other.value().contains("${") ? other.value() : m.group(2);
      if (replacement == null) {
        return null;
      }
      m.appendReplacement(b, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(b);
    return b.toString();
  }

  /**
   * Spring Boot's own keys, by the rule of the service's own platform-spring-boot
   * ({@code dev.paved.spring.SpringKeys}, loaded from its class path): one rule for the build and
   * the running application.
   */
  private static java.util.function.Predicate<String> springKeys(ClassLoader service) throws IOException {
    try {
      Method rule = Class.forName("dev.paved.spring.SpringKeys", true, service).getMethod("isSpringKey", String.class);
      return key -> {
        try {
          return (Boolean) rule.invoke(null, key);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("dev.paved.spring.SpringKeys.isSpringKey failed for " + key, e);
        }
      };
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IOException("platform-spring-boot on the class path has no dev.paved.spring.SpringKeys: " + e, e);
    }
  }

  /**
   * The path patterns of the controllers compiled into {@code classes}: classes annotated
   * {@code @Controller} or {@code @RestController}, their class-level {@code @RequestMapping}
   * joined with each handler method's mapping ({@code @GetMapping} ...). Spring's own annotations
   * only: a mapping through an annotation of the service's own is seen at run time, not here.
   */
  static List<String> controllerPatterns(ClassLoader service, Path classes) throws IOException {
    List<String> patterns = new ArrayList<>();
    if (!Files.isDirectory(classes)) {
      return patterns;
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().contains("$")).forEach(f -> {
        String relative = classes.relativize(f).toString();
        names.add(relative.substring(0, relative.length() - ".class".length()).replace(java.io.File.separatorChar, '.'));
      });
    }
    for (String name : names) {
      Class<?> type;
      try {
        type = Class.forName(name, false, service);
      } catch (ClassNotFoundException | LinkageError e) {
        continue;
      }
      if (!isController(type)) {
        continue;
      }
      List<String> prefixes = paths(find(type.getAnnotations(), "RequestMapping"));
      for (Method m : type.getDeclaredMethods()) {
        for (Annotation a : m.getAnnotations()) {
          if (isMapping(a)) {
            for (String prefix : prefixes) {
              for (String path : paths(a)) {
                patterns.add(join(prefix, path));
              }
            }
          }
        }
      }
    }
    return patterns;
  }

  private static boolean isController(Class<?> type) {
    for (Annotation a : type.getAnnotations()) {
      String n = a.annotationType().getName();
      if (n.equals("org.springframework.stereotype.Controller") || n.equals("org.springframework.web.bind.annotation.RestController")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMapping(Annotation a) {
    Class<? extends Annotation> t = a.annotationType();
    return t.getPackageName().equals("org.springframework.web.bind.annotation") && MAPPINGS.contains(t.getSimpleName());
  }

  private static @Nullable Annotation find(Annotation[] annotations, String simpleName) {
    for (Annotation a : annotations) {
      if (isMapping(a) && a.annotationType().getSimpleName().equals(simpleName)) {
        return a;
      }
    }
    return null;
  }

  /** {@code path()} or its alias {@code value()}; {@code [""]} when neither is set. */
  private static List<String> paths(@Nullable Annotation mapping) {
    if (mapping == null) {
      return List.of("");
    }
    for (String attribute : new String[] {"path", "value"}) {
      try {
        Object v = mapping.annotationType().getMethod(attribute).invoke(mapping);
        if (v instanceof String[] array && array.length > 0) {
          return List.of(array);
        }
      } catch (ReflectiveOperationException e) {
        // not this attribute
      }
    }
    return List.of("");
  }

  private static String join(String prefix, String path) {
    String a = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    String b = path.isEmpty() || path.startsWith("/") ? path : "/" + path;
    String joined = a + b;
    if (joined.isEmpty()) {
      return "/";
    }
    return joined.startsWith("/") ? joined : "/" + joined;
  }
}
