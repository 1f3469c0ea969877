package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import dev.paved.core.HealthStatus;
import dev.paved.core.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The OTLP collector down, refusing, hanging or answering 503/429: the service is unaffected,
 * memory stays bounded, failures and drops are counted, one warning is logged, health degrades,
 * and export resumes when the collector is back. The collector is a real HTTP server on loopback
 * (the JDK's) that speaks OTLP/HTTP's documented status behaviour; its body is not decoded.
 */
@Timeout(120)
class OtlpExportFailureIT {
  enum Mode { OK, HANG, UNAVAILABLE, TOO_MANY }

  private volatile Mode mode = Mode.OK;
  private final AtomicInteger received = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private HttpServer collector;

  @BeforeEach
  void startCollector() throws IOException {
    collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    collector.createContext("/v1/traces", ex -> {
      try (ex; InputStream in = ex.getRequestBody()) {
        in.readAllBytes();
        received.incrementAndGet();
        switch (mode) {
          case OK -> ex.sendResponseHeaders(200, -1);
          case HANG -> release.await(60, TimeUnit.SECONDS);
          case UNAVAILABLE -> {
            ex.getResponseHeaders().set("Retry-After", "1");
            ex.sendResponseHeaders(503, -1);
          }
          case TOO_MANY -> {
            ex.getResponseHeaders().set("Retry-After", "1");
            ex.sendResponseHeaders(429, -1);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    collector.start();
    logs.start();
    ((Logger) LoggerFactory.getLogger(CountingSpanExporter.class)).addAppender(logs);
  }

  @AfterEach
  void stopCollector() {
    release.countDown();
    collector.stop(0);
    ((Logger) LoggerFactory.getLogger(CountingSpanExporter.class)).detachAppender(logs);
  }

  private Platform platform(String endpoint) {
    return TestPlatforms.isolated()
        .property("platform.observability.otlp.endpoint", endpoint)
        .property("platform.observability.otlp.timeout", "300ms")
        .property("platform.observability.shutdown-timeout", "2s")
        .property("platform.observability.otel.bsp.schedule.delay", "50")
        .property("platform.observability.otel.bsp.max.queue.size", "256")
        .property("platform.observability.otel.bsp.max.export.batch.size", "64")
        .start();
  }

  private String endpoint() {
    return "http://127.0.0.1:" + collector.getAddress().getPort();
  }

  private static long warnings(ListAppender<ILoggingEvent> logs) {
    synchronized (logs.list) {
      return logs.list.stream().filter(e -> e.getFormattedMessage().contains("spans failed")).count();
    }
  }

  /** Ends spans as a request thread would, and returns the slowest end() in microseconds. */
  private static long endSpans(Observability obs, int n) {
    long slowest = 0;
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      obs.tracer().spanBuilder("request " + i).startSpan().end();
      slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
    }
    return slowest;
  }

  @Test
  void exportsToAHealthyCollector() {
    try (Platform p = platform(endpoint())) {
      Observability obs = Observability.of(p);
      endSpans(obs, 10);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.get() > 0);
      CountingSpanExporter exporter = java.util.Objects.requireNonNull(moduleExporter(p));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> exporter.exported() == 10);
      assertThat(p.health().readiness().status()).isEqualTo(HealthStatus.UP);
    }
  }

  @Test
  void collectorRefusingConnectionsDegradesHealthNotRequestsAndWarnsOnce() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (Platform p = platform("http://127.0.0.1:" + closedPort)) {
      Observability obs = Observability.of(p);
      long slowestEndMicros = endSpans(obs, 500);
      CountingSpanExporter exporter = java.util.Objects.requireNonNull(moduleExporter(p));
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> exporter.failed() > 0);
      assertThat(slowestEndMicros).as("span.end() never waits for the exporter").isLessThan(200_000);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> p.health().readiness().status() == HealthStatus.DEGRADED);
      assertThat(warnings(logs)).isEqualTo(1);
      assertThat(exporter.exported()).isZero();
    }
  }

  @Test
  void hangingCollectorKeepsMemoryBoundedCountsDropsAndCloseKeepsItsDeadline() {
    mode = Mode.HANG;
    Platform p = platform(endpoint());
    Observability obs = Observability.of(p);
    long slowestEndMicros = endSpans(obs, 5_000);
    assertThat(slowestEndMicros).isLessThan(200_000);
    SdkTelemetry telemetry = java.util.Objects.requireNonNull(moduleTelemetry(p));
    // The queue holds 256; the rest of 5000 spans must be dropped and counted, not buffered.
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> telemetry.droppedSpans() > 4_000);
    long start = System.nanoTime();
    p.close();
    long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(closeMs).as("close() with a hanging collector").isLessThan(8_000);
  }

  /**
   * Paved's own queue and batch (8192 and 2048, not OpenTelemetry's 2048 and 512: under 20,000
   * requests a second on two cores those dropped 9-18% of spans): with the collector hanging (no
   * batch finishes in the test), of 20,000 spans the queue keeps 8192 and one batch is in flight; the
   * rest is dropped and counted.
   */
  @Test
  void pavedsDefaultQueueHolds8192SpansAndABatchOf2048() {
    Platform p = hangingWithPavedsQueue(TestPlatforms.isolated());
    try {
      endSpans(Observability.of(p), 20_000);
      SdkTelemetry telemetry = java.util.Objects.requireNonNull(moduleTelemetry(p));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> telemetry.droppedSpans() >= 20_000 - 8_192 - 2_048);
      assertThat(telemetry.droppedSpans()).as("dropped: beyond the queue and the batch in flight").isBetween(20_000L - 8_192 - 2_048, 20_000L - 8_192);
    } finally {
      releaseAndClose(p);
    }
  }

  /** A collector that hangs, an export timeout longer than the test: no batch finishes meanwhile. */
  private Platform hangingWithPavedsQueue(Platform.Builder builder) {
    mode = Mode.HANG;
    return builder
        .property("platform.observability.otlp.endpoint", endpoint())
        .property("platform.observability.otlp.timeout", "10s")
        .property("platform.observability.shutdown-timeout", "1s")
        .start();
  }

  /** The hanging export fails now, in this test: its one warning is not left for the next test's log. */
  private void releaseAndClose(Platform p) {
    release.countDown();
    CountingSpanExporter exporter = moduleExporter(p);
    if (exporter != null) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> exporter.failed() > 0);
    }
    p.close();
  }

  /** A queue set below Paved's batch of 2048 takes the batch with it: no SDK warning that the batch exceeds the queue. */
  @Test
  void aSmallerQueueAloneTakesTheBatchDownWithoutAWarning() {
    java.util.logging.Logger sdkLog = java.util.logging.Logger.getLogger("io.opentelemetry.sdk.trace.export.BatchSpanProcessorBuilder");
    java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            warnings.add(String.valueOf(r.getMessage()));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    sdkLog.addHandler(handler);
    Platform p = hangingWithPavedsQueue(TestPlatforms.isolated().property("platform.observability.otel.bsp.max.queue.size", "1024"));
    try {
      endSpans(Observability.of(p), 5_000);
      SdkTelemetry telemetry = java.util.Objects.requireNonNull(moduleTelemetry(p));
      // The queue keeps 1024 and one batch of at most 1024 is in flight.
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> telemetry.droppedSpans() >= 5_000 - 1_024 - 1_024);
      assertThat(telemetry.droppedSpans()).isBetween(5_000L - 1_024 - 1_024, 5_000L - 1_024);
      assertThat(warnings).isEmpty();
    } finally {
      sdkLog.removeHandler(handler);
      releaseAndClose(p);
    }
  }

  @Test
  void exportResumesAfter503And429() {
    mode = Mode.UNAVAILABLE;
    try (Platform p = platform(endpoint())) {
      Observability obs = Observability.of(p);
      CountingSpanExporter exporter = java.util.Objects.requireNonNull(moduleExporter(p));
      endSpans(obs, 20);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> exporter.failed() > 0);
      mode = Mode.TOO_MANY;
      endSpans(obs, 20);
      long failedBefore = exporter.failed();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> exporter.failed() > failedBefore);
      mode = Mode.OK;
      endSpans(obs, 20);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> exporter.exported() >= 20);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> p.health().readiness().status() == HealthStatus.UP);
      assertThat(warnings(logs)).isEqualTo(1);
    }
  }

  @Test
  void throwingExporterNeverReachesTheService() {
    CountingSpanExporter exporter = new CountingSpanExporter(new io.opentelemetry.sdk.trace.export.SpanExporter() {
      @Override
      public io.opentelemetry.sdk.common.CompletableResultCode export(java.util.Collection<io.opentelemetry.sdk.trace.data.SpanData> spans) {
        throw new IllegalStateException("exporter bug");
      }

      @Override
      public io.opentelemetry.sdk.common.CompletableResultCode flush() {
        throw new IllegalStateException("exporter bug");
      }

      @Override
      public io.opentelemetry.sdk.common.CompletableResultCode shutdown() {
        throw new IllegalStateException("exporter bug");
      }
    });
    assertThat(exporter.export(java.util.List.of()).isSuccess()).isFalse();
    assertThat(exporter.flush().isSuccess()).isFalse();
    assertThat(exporter.shutdown().isSuccess()).isFalse();
    assertThat(exporter.health().status()).isEqualTo(HealthStatus.DEGRADED);
  }

  private static @org.jspecify.annotations.Nullable CountingSpanExporter moduleExporter(Platform p) {
    return Observability.of(p).exporterForTests();
  }

  private static SdkTelemetry moduleTelemetry(Platform p) {
    return Observability.of(p).sdkTelemetryForTests();
  }
}
