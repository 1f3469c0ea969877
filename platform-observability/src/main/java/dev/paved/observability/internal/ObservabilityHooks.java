package dev.paved.observability.internal;

import dev.paved.observability.MessageProcessListener;
import dev.paved.observability.Observability;
import dev.paved.observability.ServerRequestListener;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What other Paved modules (platform-slo) need of observability and service code does not:
 * aligning the server duration buckets with SLO thresholds, and being told of every server
 * request and processed message. Internal: not for public use; its methods may change in any
 * release (OpenTelemetry's {@code sdk.internal} model).
 */
public final class ObservabilityHooks {
  /** Implemented by {@link Observability}, which installs it when its class is initialised. */
  public interface Access {
    void alignServerDurationBuckets(Observability o, Collection<Duration> thresholds);

    List<Double> serverDurationBucketsSeconds(Observability o);

    void addServerRequestListener(Observability o, ServerRequestListener listener);

    void addMessageProcessListener(Observability o, MessageProcessListener listener);

    java.util.Optional<RecentSpans> recentSpans(Observability o);
  }

  private static volatile @Nullable Access access;

  private ObservabilityHooks() {}

  /** Called once, by {@link Observability}. */
  public static void install(Access a) {
    access = Objects.requireNonNull(a, "a");
  }

  private static Access access() {
    Access a = access;
    if (a == null) {
      throw new IllegalStateException("Observability is not initialised");
    }
    return a;
  }

  /**
   * Adds bucket boundaries to {@code http.server.request.duration} so that each of {@code
   * thresholds} (a latency SLO's) is measured exactly; platform-slo calls it at start-up.
   *
   * @throws IllegalStateException when server requests were already measured
   */
  public static void alignServerDurationBuckets(Observability o, Collection<Duration> thresholds) {
    access().alignServerDurationBuckets(o, thresholds);
  }

  /** The bucket boundaries, in seconds, of {@code http.server.request.duration} now (after alignment). */
  public static List<Double> serverDurationBucketsSeconds(Observability o) {
    return access().serverDurationBucketsSeconds(o);
  }

  /** Tells {@code listener} of every HTTP server request measured from now on. */
  public static void addServerRequestListener(Observability o, ServerRequestListener listener) {
    access().addServerRequestListener(o, listener);
  }

  /** The in-memory span buffer behind {@code GET /traces}, present when no OTLP endpoint is configured. */
  public static java.util.Optional<RecentSpans> recentSpans(Observability o) {
    return access().recentSpans(o);
  }

  /** Tells {@code listener} of every message processed through {@code messaging()} (and Kafka) from now on. */
  public static void addMessageProcessListener(Observability o, MessageProcessListener listener) {
    access().addMessageProcessListener(o, listener);
  }
}
