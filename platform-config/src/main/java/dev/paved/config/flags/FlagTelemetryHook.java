package dev.paved.config.flags;

import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.HookContext;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Telemetry of every evaluation, as an OpenFeature hook: a {@code feature_flag.evaluation} event on
 * the current span (OpenTelemetry's semantic conventions for feature flags) and the counter {@code
 * paved.flags.evaluations{key,variant,reason}}, whose series are bounded.
 */
final class FlagTelemetryHook implements Hook<Object> {
  static final String EVENT = "feature_flag.evaluation";
  static final AttributeKey<String> KEY = AttributeKey.stringKey("feature_flag.key");
  static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("feature_flag.provider.name");
  static final AttributeKey<String> VARIANT = AttributeKey.stringKey("feature_flag.result.variant");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("feature_flag.result.reason");
  static final AttributeKey<String> VALUE = AttributeKey.stringKey("feature_flag.result.value");
  /** The one overflow label value of Paved's bounded label sets (as the RED meters'). */
  static final String OTHER = "_overflow";

  private final @Nullable MeterRegistry registry;
  private final boolean recordValue;
  private final int maxSeries;
  private final AtomicInteger series = new AtomicInteger();
  private final Map<String, Map<String, Map<String, LongAdder>>> counts = new ConcurrentHashMap<>();

  FlagTelemetryHook(@Nullable MeterRegistry registry, boolean recordValue, int maxSeries) {
    this.registry = registry;
    this.recordValue = recordValue;
    this.maxSeries = maxSeries;
  }

  @Override
  public void finallyAfter(HookContext<Object> ctx, FlagEvaluationDetails<Object> details, Map<String, Object> hints) {
    String key = details.getFlagKey();
    String variant = details.getVariant() == null ? "" : details.getVariant();
    String reason = details.getReason() == null ? "UNKNOWN" : details.getReason();
    if (details.getErrorCode() != null) {
      reason = "ERROR".equals(reason) || "DEFAULT".equals(reason) ? reason + ":" + details.getErrorCode().name() : reason;
    }
    Span span = Span.current();
    if (span.getSpanContext().isValid()) {
      AttributesBuilder a =
          Attributes.builder().put(KEY, key).put(PROVIDER, ctx.getProviderMetadata().getName()).put(REASON, reason.toLowerCase(java.util.Locale.ROOT));
      if (!variant.isEmpty()) {
        a.put(VARIANT, variant);
      }
      if (recordValue && details.getValue() != null) {
        a.put(VALUE, String.valueOf(details.getValue()));
      }
      span.addEvent(EVENT, a.build());
    }
    counter(key, variant, reason).increment();
    if (details.getErrorCode() == dev.openfeature.sdk.ErrorCode.FLAG_NOT_FOUND) {
      warnMissing(key, ctx.getProviderMetadata().getName());
    }
  }

  /** Flags found missing and already logged; bounded like the series. */
  private final java.util.Set<String> missingLogged = ConcurrentHashMap.newKeySet();
  private final dev.paved.core.internal.ThrottledLogger missingLog =
      new dev.paved.core.internal.ThrottledLogger(org.slf4j.LoggerFactory.getLogger(FlagTelemetryHook.class));

  /** Once per flag name (throttled across names): a misspelt flag silently returned its default. */
  private void warnMissing(String key, String provider) {
    if (missingLogged.size() < maxSeries && missingLogged.add(key)) {
      missingLog.warn(
          "Flag '" + key + "' does not exist in " + provider
              + "; every evaluation returns the default given in code (reason DEFAULT, error code FLAG_NOT_FOUND). Is its name misspelt?",
          null);
    }
  }

  /** The series, created once; past the bound, under key {@value #OTHER}. */
  LongAdder counter(String key, String variant, String reason) {
    LongAdder existing = find(key, variant, reason);
    if (existing != null) {
      return existing;
    }
    synchronized (this) {
      existing = find(key, variant, reason);
      if (existing != null) {
        return existing;
      }
      boolean room = series.get() < maxSeries;
      String k = room ? key : OTHER;
      String v = room ? variant : OTHER;
      String r = room ? reason : OTHER;
      Map<String, LongAdder> byReason = counts.computeIfAbsent(k, x -> new ConcurrentHashMap<>()).computeIfAbsent(v, x -> new ConcurrentHashMap<>());
      LongAdder adder = byReason.get(r);
      if (adder == null) {
        adder = new LongAdder();
        byReason.put(r, adder);
        series.incrementAndGet();
        MeterRegistry reg = registry;
        if (reg != null) {
          FunctionCounter.builder("paved.flags.evaluations", adder, LongAdder::sum)
              .description("Flag evaluations by key, variant and reason (bounded; the rest under key _overflow)")
              .tags("key", k, "variant", v, "reason", r)
              .register(reg);
        }
      }
      if (!room) {
        // Keep the overflow series reachable for this key too, so the next lookup is lock-free.
        counts.computeIfAbsent(key, x -> new ConcurrentHashMap<>()).computeIfAbsent(variant, x -> new ConcurrentHashMap<>()).put(reason, adder);
      }
      return adder;
    }
  }

  private @Nullable LongAdder find(String key, String variant, String reason) {
    Map<String, Map<String, LongAdder>> byVariant = counts.get(key);
    if (byVariant == null) {
      return null;
    }
    Map<String, LongAdder> byReason = byVariant.get(variant);
    return byReason == null ? null : byReason.get(reason);
  }

  /** Evaluations so far of {@code key} by variant ({@code ""} when none), summed over reasons. */
  Map<String, Long> evaluations(String key) {
    Map<String, Long> out = new java.util.TreeMap<>();
    Map<String, Map<String, LongAdder>> byVariant = counts.get(key);
    if (byVariant != null) {
      byVariant.forEach((variant, byReason) -> out.put(variant.isEmpty() ? "(none)" : variant, byReason.values().stream().mapToLong(LongAdder::sum).sum()));
    }
    return out;
  }

  int seriesCount() {
    return series.get();
  }
}
