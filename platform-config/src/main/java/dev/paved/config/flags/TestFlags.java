package dev.paved.config.flags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paved.core.Platform;
import dev.paved.core.ServiceDescriptor;
import io.getunleash.Unleash;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A test's flag values, set on a running platform: {@code TestFlags.of(platform).enable("new-checkout")}.
 * They go in front of the service's flags source (its flags file or Unleash) for the keys they
 * name, and are evaluated like every flag — by the OpenFeature client and Paved's provider with
 * Unleash's rules — so the service's code, the OpenFeature hooks, the {@code
 * feature_flag.evaluation} span event and the {@code paved.flags.evaluations} counter all run as in
 * production. Flags the test does not set keep the source's values. They last as long as the
 * platform (a test's platform is closed after the test), or until {@link #reset()}.
 *
 * <p>Test support, as {@code MockClock} is in Micrometer: it lives beside the flags so that every
 * module's tests and a service's can use it; a platform in a production environment refuses it.
 */
public final class TestFlags {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final UnleashProvider provider;
  private final ServiceDescriptor descriptor;
  private final Map<String, JsonNode> specs = new LinkedHashMap<>();

  TestFlags(UnleashProvider provider, ServiceDescriptor descriptor) {
    this.provider = provider;
    this.descriptor = descriptor;
  }

  /**
   * The test flags of a running platform (the same object for every call on one platform).
   *
   * @throws IllegalStateException in a production environment
   */
  public static TestFlags of(Platform platform) {
    if (platform.descriptor().isProduction()) {
      throw new IllegalStateException(
          "TestFlags are for tests; this platform runs in the production environment '" + platform.descriptor().environment() + "'");
    }
    return Flags.of(platform).testFlags();
  }

  /** {@code key} is on, for everyone. */
  public TestFlags enable(String key) {
    return put(key, JSON.createObjectNode().put("enabled", true));
  }

  /** {@code key} is off, for everyone. */
  public TestFlags disable(String key) {
    return put(key, JSON.createObjectNode().put("enabled", false));
  }

  /**
   * {@code key} is on and gives {@code variant} to everyone, with {@code payload}: a string, a
   * number, or a map or list (a JSON payload); null for none.
   */
  public TestFlags variant(String key, String variant, @Nullable Object payload) {
    Objects.requireNonNull(variant, "variant");
    ObjectNode spec = JSON.createObjectNode().put("enabled", true);
    ObjectNode v = spec.putArray("variants").addObject().put("name", variant);
    if (payload != null) {
      v.set("payload", JSON.valueToTree(payload));
    }
    return put(key, spec);
  }

  /**
   * Flags with rules, in the flags file's YAML format ({@code docs/flags.md}): {@code enabled},
   * {@code rollout}, {@code users}, {@code variants}.
   *
   * @throws IllegalArgumentException naming the flag and what is wrong; nothing is changed then
   */
  public synchronized TestFlags define(String yaml) {
    Map<String, JsonNode> next = new LinkedHashMap<>(specs);
    next.putAll(LocalFlags.specs(yaml));
    apply(next);
    return this;
  }

  /** The test's flags are gone: the source's values again. */
  public synchronized TestFlags reset() {
    apply(new LinkedHashMap<>());
    return this;
  }

  private synchronized TestFlags put(String key, JsonNode spec) {
    Objects.requireNonNull(key, "key");
    Map<String, JsonNode> next = new LinkedHashMap<>(specs);
    next.put(key, spec);
    apply(next);
    return this;
  }

  /** Validates all of {@code next} first (a bad flag changes nothing), then puts it in front. */
  private void apply(Map<String, JsonNode> next) {
    Unleash previous;
    if (next.isEmpty()) {
      previous = provider.override(next.keySet(), null);
    } else {
      String json = LocalFlags.toUnleashJson(next);
      previous = provider.override(next.keySet(), FlagsModule.offline(descriptor, json));
    }
    specs.clear();
    specs.putAll(next);
    if (previous != null) {
      previous.shutdown();
    }
  }
}
