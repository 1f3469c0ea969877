package dev.paved.config.flags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paved.core.internal.YamlReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The local flags file, in YAML or in Unleash's JSON format, turned into Unleash's format so the
 * same client evaluates it with the same rules.
 *
 * <pre>
 * new-checkout:
 *   enabled: true
 *   rollout: 50            # percent of users (flexible rollout, sticky by user or session)
 *   users: [alice, bob]    # these users always (user ids)
 *   variants:
 *     - name: blue
 *       weight: 1
 *       payload: "compact"     # a string, a number, or a map/list (JSON)
 *     - name: green
 *       weight: 1
 * </pre>
 */
final class LocalFlags {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LocalFlags() {}

  /**
   * Unleash JSON for {@code text}.
   *
   * @throws IllegalArgumentException naming the flag and what is wrong
   */
  static String toUnleashJson(String text, boolean json) {
    if (json) {
      if (!FlagState.valid(text)) {
        throw new IllegalArgumentException("not Unleash's client JSON format (an object with a features array)");
      }
      return text;
    }
    return toUnleashJson(specs(text));
  }

  /** The flags {@code text} declares (the file's YAML format), each as its spec. */
  static Map<String, JsonNode> specs(String text) {
    JsonNode root;
    try {
      // Core's YAML reader, as for platform.yaml: the same dialect, limits and messages.
      root = JSON.valueToTree(YamlReader.readTree(text));
    } catch (YamlReader.YamlException e) {
      throw new IllegalArgumentException("malformed YAML at line " + e.line() + ", column " + e.column() + ": " + e.getMessage());
    }
    Map<String, JsonNode> specs = new java.util.LinkedHashMap<>();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return specs;
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("expected a map of flag names to flags");
    }
    for (Map.Entry<String, JsonNode> e : iterable(root)) {
      specs.put(e.getKey(), e.getValue());
    }
    return specs;
  }

  /** Unleash JSON for flags given as specs of the YAML format (name to enabled, rollout, users, variants). */
  static String toUnleashJson(Map<String, JsonNode> specs) {
    ArrayNode features = JsonNodeFactory.instance.arrayNode();
    for (Map.Entry<String, JsonNode> e : specs.entrySet()) {
      features.add(feature(e.getKey(), e.getValue()));
    }
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    state.put("version", 2);
    state.set("features", features);
    return state.toString();
  }

  private static List<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    node.fields().forEachRemaining(out::add);
    return out;
  }

  private static ObjectNode feature(String name, JsonNode spec) {
    if (!spec.isObject()) {
      throw new IllegalArgumentException(name + ": expected a map with enabled, rollout, users, variants");
    }
    for (Map.Entry<String, JsonNode> e : iterable(spec)) {
      if (!List.of("enabled", "rollout", "users", "variants").contains(e.getKey())) {
        throw new IllegalArgumentException(name + "." + e.getKey() + ": unknown (expected enabled, rollout, users, variants)");
      }
    }
    ObjectNode f = JsonNodeFactory.instance.objectNode();
    f.put("name", name);
    f.put("type", "release");
    f.put("project", "default");
    JsonNode enabled = spec.path("enabled");
    if (!enabled.isMissingNode() && !enabled.isBoolean()) {
      throw new IllegalArgumentException(name + ".enabled: expected true or false");
    }
    f.put("enabled", enabled.asBoolean(true));
    f.put("impressionData", false);
    ArrayNode strategies = f.putArray("strategies");
    JsonNode users = spec.path("users");
    if (!users.isMissingNode()) {
      if (!users.isArray()) {
        throw new IllegalArgumentException(name + ".users: expected a list of user ids");
      }
      List<String> ids = new ArrayList<>();
      users.forEach(u -> ids.add(u.asText()));
      ObjectNode s = strategies.addObject();
      s.put("name", "userWithId");
      s.putObject("parameters").put("userIds", String.join(",", ids));
    }
    JsonNode rollout = spec.path("rollout");
    if (!rollout.isMissingNode()) {
      if (!rollout.isNumber() || rollout.asInt() < 0 || rollout.asInt() > 100) {
        throw new IllegalArgumentException(name + ".rollout: expected a percentage from 0 to 100");
      }
      ObjectNode s = strategies.addObject();
      s.put("name", "flexibleRollout");
      ObjectNode p = s.putObject("parameters");
      p.put("rollout", rollout.asText());
      p.put("stickiness", "default");
      p.put("groupId", name);
    }
    if (strategies.isEmpty()) {
      strategies.addObject().put("name", "default").putObject("parameters");
    }
    JsonNode variants = spec.path("variants");
    if (!variants.isMissingNode()) {
      if (!variants.isArray() || variants.isEmpty()) {
        throw new IllegalArgumentException(name + ".variants: expected a list of variants with a name");
      }
      int total = 0;
      for (JsonNode v : variants) {
        int w = v.path("weight").asInt(1);
        if (w <= 0 || !v.path("name").isTextual()) {
          throw new IllegalArgumentException(name + ".variants: each needs a name and a positive weight");
        }
        total += w;
      }
      ArrayNode out = f.putArray("variants");
      int given = 0;
      int i = 0;
      for (JsonNode v : variants) {
        int w = v.path("weight").asInt(1);
        int scaled = ++i == variants.size() ? 1000 - given : w * 1000 / total;
        given += scaled;
        ObjectNode o = out.addObject();
        o.put("name", v.path("name").asText());
        o.put("weight", scaled);
        o.put("weightType", "variable");
        o.put("stickiness", "default");
        JsonNode payload = v.path("payload");
        if (!payload.isMissingNode() && !payload.isNull()) {
          ObjectNode p = o.putObject("payload");
          if (payload.isContainerNode()) {
            p.put("type", "json");
            p.put("value", payload.toString());
          } else if (payload.isNumber()) {
            p.put("type", "number");
            p.put("value", payload.asText());
          } else {
            p.put("type", "string");
            p.put("value", payload.asText());
          }
        }
      }
    }
    return f;
  }

}
