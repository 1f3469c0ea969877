package dev.paved.spring.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.paved.core.ConfigKey;
import dev.paved.core.CoreSettings;
import dev.paved.core.spi.PlatformModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Writes {@code META-INF/spring-configuration-metadata.json} — Spring Boot's configuration
 * metadata format, which IDEs read to complete keys in {@code application.yaml} — from the keys of
 * core and of every Paved module on the class path, found as the platform finds them. Run by the
 * build (exec-maven-plugin, {@code process-classes}), so it never drifts from the code. A key with
 * a {@code *} segment (per dependency, per consumer) is listed as its group. Internal: not for
 * public use.
 */
public final class ConfigurationMetadataWriter {
  private ConfigurationMetadataWriter() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    Files.createDirectories(out.getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), metadata());
  }

  /** The metadata document. */
  public static Map<String, Object> metadata() {
    List<ConfigKey<?>> keys = new ArrayList<>(CoreSettings.keys());
    Map<String, String> groups = new TreeMap<>();
    groups.put("platform", "Paved: the platform's configuration (docs/configuration.md).");
    for (PlatformModule m : ServiceLoader.load(PlatformModule.class, ConfigurationMetadataWriter.class.getClassLoader())) {
      keys.addAll(m.configKeys());
    }
    Map<String, Map<String, Object>> properties = new TreeMap<>();
    for (ConfigKey<?> key : keys) {
      String name = key.name();
      int star = name.indexOf(".*");
      if (star >= 0) {
        groups.putIfAbsent(name.substring(0, star), "One entry per name (" + name + "); each takes the settings listed under it in docs/configuration.md.");
        continue;
      }
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", name);
      p.put("type", type(key));
      String description = key.description().isEmpty() ? "Expected: " + key.expected() + "." : key.description() + " Expected: " + key.expected() + ".";
      p.put("description", description);
      key.defaultText().ifPresent(d -> p.put("defaultValue", d));
      p.put("sourceType", "dev.paved.core.PlatformConfig");
      properties.put(name, p);
    }
    List<Map<String, Object>> groupList = new ArrayList<>();
    groups.forEach(
        (name, description) -> {
          Map<String, Object> g = new LinkedHashMap<>();
          g.put("name", name);
          g.put("type", name.equals("platform") ? "dev.paved.core.PlatformConfig" : "java.util.Map<java.lang.String,java.lang.Object>");
          g.put("description", description);
          g.put("sourceType", "dev.paved.core.PlatformConfig");
          groupList.add(g);
        });
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("groups", groupList);
    doc.put("properties", new ArrayList<>(properties.values()));
    return doc;
  }

  private static String type(ConfigKey<?> key) {
    String e = key.expected();
    if (key.isList()) {
      return "java.util.List<java.lang.String>";
    }
    if (e.startsWith("a duration")) {
      return "java.time.Duration";
    }
    if (e.equals("true or false")) {
      return "java.lang.Boolean";
    }
    if (e.startsWith("an integer")) {
      return "java.lang.Integer";
    }
    if (e.startsWith("a number")) {
      return "java.lang.Double";
    }
    if (e.startsWith("an absolute URI")) {
      return "java.net.URI";
    }
    return "java.lang.String";
  }
}
