package dev.paved.test;

import dev.paved.core.Platform;
import dev.paved.observability.Observability;
import dev.paved.observability.internal.ObservabilityHooks;
import dev.paved.observability.internal.RecentSpans;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Tag;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What a test platform recorded — finished spans and meters — read the way a test needs it:
 * spans are waited for (a SERVER span ends after the response is written, so a test that reads
 * it right after its request races it), meters are found by their documented instrument name
 * whatever Micrometer kind records them. Spans come back as OpenTelemetry's {@link SpanData}, for
 * OpenTelemetry's own assertions ({@code OpenTelemetryAssertions.assertThat(span)} of {@code
 * opentelemetry-sdk-testing}, which the kit brings).
 *
 * <pre>{@code
 * TestTelemetry telemetry = TestTelemetry.of(platform);
 * SpanData server = telemetry.awaitSpan("GET /api/orders/{id}", SpanKind.SERVER);
 * double requests = telemetry.count("http.server.request.duration", "http.route", "/api/orders/{id}");
 * }</pre>
 *
 * <p>Needs platform-observability started without an OTLP endpoint (the default): finished spans
 * then go to the platform's in-memory buffer, which this reads.
 */
public final class TestTelemetry {
  /** How long {@code await...} waits by default. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private final Observability observability;
  private final RecentSpans spans;

  private TestTelemetry(Observability observability, RecentSpans spans) {
    this.observability = observability;
    this.spans = spans;
  }

  /**
   * The telemetry of {@code platform}.
   *
   * @throws IllegalStateException when observability did not start, or exports spans over OTLP
   */
  public static TestTelemetry of(Platform platform) {
    Observability obs =
        platform.component(Observability.class).orElseThrow(() -> new IllegalStateException("platform-observability did not start: add module(new ObservabilityModule())"));
    RecentSpans buffer =
        ObservabilityHooks.recentSpans(obs)
            .orElseThrow(() -> new IllegalStateException("spans go to an OTLP endpoint (platform.observability.otlp.endpoint): a test reads the in-memory buffer, so leave it unset"));
    return new TestTelemetry(obs, buffer);
  }

  /** The spans finished so far, oldest first. */
  public List<SpanData> spans() {
    return spans.spans();
  }

  /** Waits for a finished span named {@code name}, of {@code kind}, and returns the first such. */
  public SpanData awaitSpan(String name, SpanKind kind) {
    return awaitSpan(s -> s.getName().equals(name) && s.getKind() == kind, kind + " span '" + name + "'");
  }

  /** Waits for a finished span named {@code name}, of any kind. */
  public SpanData awaitSpan(String name) {
    return awaitSpan(s -> s.getName().equals(name), "span '" + name + "'");
  }

  /**
   * Waits up to {@link #DEFAULT_WAIT} for a finished span that matches.
   *
   * @throws AssertionError naming what was waited for and the spans there were
   */
  public SpanData awaitSpan(Predicate<SpanData> matches, String description) {
    return awaitSpan(matches, description, DEFAULT_WAIT);
  }

  /** As {@link #awaitSpan(Predicate, String)}, waiting up to {@code within}. */
  public SpanData awaitSpan(Predicate<SpanData> matches, String description, Duration within) {
    try {
      return Awaitility.await()
          .atMost(within)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> find(matches), Optional::isPresent)
          .orElseThrow();
    } catch (ConditionTimeoutException e) {
      List<String> seen = new ArrayList<>();
      for (SpanData s : spans()) {
        seen.add(s.getKind() + " " + s.getName());
      }
      throw new AssertionError("no " + description + " finished within " + within.toMillis() + " ms; finished spans: " + seen, e);
    }
  }

  /** Every finished span of the trace {@code traceId}, oldest first. */
  public List<SpanData> trace(String traceId) {
    return spans().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
  }

  private Optional<SpanData> find(Predicate<SpanData> matches) {
    return spans().stream().filter(matches).findFirst();
  }

  /**
   * The meters named {@code name} (the documented instrument name, dots, as in the docs) whose
   * tags include {@code tags} (name, value, name, value, ...).
   */
  public List<Meter> meters(String name, String... tags) {
    if (tags.length % 2 != 0) {
      throw new IllegalArgumentException("tags: " + tags.length + " strings (expected: name, value pairs)");
    }
    List<Tag> wanted = new ArrayList<>();
    for (int i = 0; i < tags.length; i += 2) {
      wanted.add(Tag.of(tags[i], tags[i + 1]));
    }
    return observability.meterRegistry().getMeters().stream()
        .filter(m -> m.getId().getName().equals(name) && m.getId().getTags().containsAll(wanted))
        .toList();
  }

  /**
   * How many events the meters named {@code name} with {@code tags} recorded, summed: the count
   * of a timer or distribution summary (a request, a processed message), the value of a counter
   * or function counter. 0 when there is none.
   */
  public double count(String name, String... tags) {
    double sum = 0;
    for (Meter m : meters(name, tags)) {
      sum += statistic(m, Statistic.COUNT, Statistic.TOTAL, Statistic.VALUE);
    }
    return sum;
  }

  /** Waits until {@link #count} reaches at least {@code atLeast}: a series is recorded after the response is written. */
  public double awaitCount(double atLeast, String name, String... tags) {
    try {
      return Awaitility.await().atMost(DEFAULT_WAIT).pollInterval(Duration.ofMillis(10)).until(() -> count(name, tags), c -> c >= atLeast);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("meter '" + name + "' " + java.util.Arrays.toString(tags) + " counted " + count(name, tags) + " within " + DEFAULT_WAIT.toSeconds() + " s (expected: at least " + atLeast + ")", e);
    }
  }

  private static double statistic(Meter m, Statistic... preferred) {
    for (Statistic wanted : preferred) {
      for (Measurement measurement : m.measure()) {
        if (measurement.getStatistic() == wanted) {
          return measurement.getValue();
        }
      }
    }
    return 0;
  }
}
