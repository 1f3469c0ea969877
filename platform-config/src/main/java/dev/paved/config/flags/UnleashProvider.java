package dev.paved.config.flags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FeatureProvider;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.MutableStructure;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.variant.Payload;
import io.getunleash.variant.Variant;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import org.jspecify.annotations.Nullable;

/**
 * Paved's OpenFeature provider over the Unleash Java client. Boolean flags are Unleash toggles;
 * string, integer, double and object flags are a toggle's variant payload. Evaluation never
 * throws: a missing flag is the default with {@code FLAG_NOT_FOUND}, a payload of the wrong type
 * the default with {@code TYPE_MISMATCH}.
 *
 * <p>Context: {@code targetingKey} is Unleash's {@code userId}; the attributes {@code sessionId},
 * {@code remoteAddress}, {@code environment}, {@code appName} and {@code currentTime} map to the
 * fields of the same name (environment and application name default to the service descriptor's,
 * the time to now); every other attribute is a property.
 */
final class UnleashProvider implements FeatureProvider {
  /** The provider's name, as in {@code feature_flag.provider.name}. */
  public static final String NAME = "paved-unleash";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Metadata METADATA = () -> NAME;
  private static final ThreadLocal<boolean[]> MISSING = ThreadLocal.withInitial(() -> new boolean[1]);
  private static final BiPredicate<String, UnleashContext> MISSING_FALSE =
      (name, context) -> {
        MISSING.get()[0] = true;
        return false;
      };
  private static final BiPredicate<String, UnleashContext> MISSING_TRUE =
      (name, context) -> {
        MISSING.get()[0] = true;
        return true;
      };

  private volatile Unleash unleash;

  /** A test's flags ({@link TestFlags}), evaluated instead of the source's for the keys they name. */
  private record Overrides(Set<String> keys, @Nullable Unleash client) {}

  private static final Overrides NONE = new Overrides(Set.of(), null);

  private volatile Overrides overrides = NONE;

  /** The reason of an evaluation an operator forced ({@code POST /actions/flag}). */
  static final String FORCED = "OVERRIDE";

  /** Flags an operator forced on or off for a while, by key. */
  private volatile Map<String, Boolean> forced = Map.of();

  /** Forces {@code key} on or off, or ends that with null; returns what was forced before, or null. */
  synchronized @Nullable Boolean force(String key, @Nullable Boolean value) {
    Map<String, Boolean> next = new java.util.HashMap<>(forced);
    Boolean before = value == null ? next.remove(key) : next.put(key, value);
    forced = Map.copyOf(next);
    return before;
  }

  Map<String, Boolean> forced() {
    return forced;
  }

  UnleashProvider(Unleash unleash) {
    this.unleash = unleash;
  }

  /** The client that evaluates {@code key}: a test's override, else the source's. */
  private Unleash clientFor(String key) {
    Overrides o = overrides;
    Unleash test = o.client;
    return test == null || !o.keys.contains(key) ? unleash : test;
  }

  /**
   * Puts a test's flags in front of the source's: {@code keys} are evaluated by {@code client}
   * (with Unleash's rules, like every flag); returns the client it replaces, or null.
   */
  @Nullable Unleash override(Set<String> keys, @Nullable Unleash client) {
    Overrides before = overrides;
    overrides = client == null || keys.isEmpty() ? NONE : new Overrides(Set.copyOf(keys), client);
    return before.client;
  }

  /** Swaps the client (the local file provider builds a new one for each version of the file). */
  Unleash swap(Unleash next) {
    Unleash previous = unleash;
    unleash = next;
    return previous;
  }

  Unleash unleash() {
    return unleash;
  }

  @Override
  public Metadata getMetadata() {
    return METADATA;
  }

  @Override
  public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
    Boolean f = forced.get(key);
    if (f != null) {
      return ProviderEvaluation.<Boolean>builder().value(f).variant(f ? "enabled" : "disabled").reason(FORCED).build();
    }
    boolean[] missing = MISSING.get();
    missing[0] = false;
    boolean enabled = clientFor(key).isEnabled(key, context(ctx), defaultValue ? MISSING_TRUE : MISSING_FALSE);
    if (missing[0]) {
      return ProviderEvaluation.<Boolean>builder()
          .value(defaultValue)
          .reason(Reason.DEFAULT.name())
          .errorCode(ErrorCode.FLAG_NOT_FOUND)
          .errorMessage("no flag " + key)
          .build();
    }
    return ProviderEvaluation.<Boolean>builder()
        .value(enabled)
        .variant(enabled ? "enabled" : "disabled")
        .reason(enabled ? Reason.TARGETING_MATCH.name() : Reason.DISABLED.name())
        .build();
  }

  @Override
  public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
    return variant(key, defaultValue, ctx, (payload, type) -> payload);
  }

  @Override
  public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
    return variant(key, defaultValue, ctx, (payload, type) -> Integer.valueOf(payload.strip()));
  }

  @Override
  public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
    return variant(key, defaultValue, ctx, (payload, type) -> Double.valueOf(payload.strip()));
  }

  @Override
  public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
    return variant(key, defaultValue, ctx, (payload, type) -> type.equals("json") ? toValue(JSON.readTree(payload)) : new Value(payload));
  }

  @FunctionalInterface
  private interface Parser<T> {
    T parse(String payload, String type) throws IOException;
  }

  private <T> ProviderEvaluation<T> variant(String key, T defaultValue, EvaluationContext ctx, Parser<T> parser) {
    if (Boolean.FALSE.equals(forced.get(key))) {
      // Forced off: the default, as for a disabled toggle. (Forced on evaluates the toggle's variants.)
      return ProviderEvaluation.<T>builder().value(defaultValue).variant("disabled").reason(FORCED).build();
    }
    Unleash unleash = clientFor(key);
    Variant v = unleash.getVariant(key, context(ctx));
    if (!v.isFeatureEnabled()) {
      boolean exists = unleash.more().getFeatureToggleDefinition(key).isPresent();
      if (!exists) {
        return ProviderEvaluation.<T>builder()
            .value(defaultValue)
            .reason(Reason.DEFAULT.name())
            .errorCode(ErrorCode.FLAG_NOT_FOUND)
            .errorMessage("no flag " + key)
            .build();
      }
      return ProviderEvaluation.<T>builder().value(defaultValue).variant("disabled").reason(Reason.DISABLED.name()).build();
    }
    Optional<Payload> payload = v.getPayload();
    if (!v.isEnabled() || payload.isEmpty() || payload.get().getValue() == null) {
      // Enabled, but no variant (or one without a payload): the default, by the toggle's rules.
      return ProviderEvaluation.<T>builder().value(defaultValue).variant(v.getName()).reason(Reason.DEFAULT.name()).build();
    }
    Payload p = payload.get();
    try {
      return ProviderEvaluation.<T>builder()
          .value(parser.parse(String.valueOf(p.getValue()), String.valueOf(p.getType())))
          .variant(v.getName())
          .reason(Reason.SPLIT.name())
          .build();
    } catch (IOException | RuntimeException e) {
      return ProviderEvaluation.<T>builder()
          .value(defaultValue)
          .variant(v.getName())
          .reason(Reason.ERROR.name())
          .errorCode(ErrorCode.TYPE_MISMATCH)
          .errorMessage("the payload of variant " + v.getName() + " of " + key + " is not of the requested type")
          .build();
    }
  }

  /**
   * The Unleash context for an OpenFeature context. Environment and application name are left to
   * the client, which fills them from its configuration (the service descriptor's) unless the
   * caller set them; the time is the engine's own unless given.
   */
  UnleashContext context(EvaluationContext ctx) {
    UnleashContext.Builder b = new UnleashContext.Builder();
    String targetingKey = ctx.getTargetingKey();
    if (targetingKey != null && !targetingKey.isEmpty()) {
      b.userId(targetingKey);
    }
    // The unmodifiable view: no copy of the attributes (keySet and getValue copy them).
    for (Map.Entry<String, Value> e : ctx.asUnmodifiableMap().entrySet()) {
      String name = e.getKey();
      Value value = e.getValue();
      if (value == null || value.isNull() || name.equals("targetingKey")) {
        continue;
      }
      String text = value.isString() ? value.asString() : value.isInstant() ? String.valueOf(value.asInstant()) : String.valueOf(value.asObject());
      if (text == null) {
        continue;
      }
      switch (name) {
        case "userId" -> b.userId(text);
        case "sessionId" -> b.sessionId(text);
        case "remoteAddress" -> b.remoteAddress(text);
        case "environment" -> b.environment(text);
        case "appName" -> b.appName(text);
        case "currentTime" -> {
          Instant at = value.isInstant() ? value.asInstant() : parseTime(text);
          if (at != null) {
            b.currentTime(ZonedDateTime.ofInstant(at, ZoneOffset.UTC));
          }
        }
        default -> b.addProperty(name, text);
      }
    }
    return b.build();
  }

  private static @Nullable Instant parseTime(String text) {
    try {
      return ZonedDateTime.parse(text).toInstant();
    } catch (RuntimeException e) {
      return null;
    }
  }

  static Value toValue(JsonNode node) {
    if (node.isObject()) {
      MutableStructure s = new MutableStructure();
      node.fields().forEachRemaining(f -> s.add(f.getKey(), toValue(f.getValue())));
      return new Value((Structure) s);
    }
    if (node.isArray()) {
      List<Value> list = new ArrayList<>();
      node.forEach(n -> list.add(toValue(n)));
      return new Value(list);
    }
    if (node.isBoolean()) {
      return new Value(node.asBoolean());
    }
    if (node.isInt()) {
      return new Value(node.asInt());
    }
    if (node.isNumber()) {
      return new Value(node.asDouble());
    }
    if (node.isNull()) {
      return new Value();
    }
    return new Value(node.asText());
  }

  @Override
  public void shutdown() {
    Unleash o = override(Set.of(), null);
    if (o != null) {
      o.shutdown();
    }
    unleash.shutdown();
  }
}
