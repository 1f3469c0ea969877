package dev.paved.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import dev.paved.core.Platform;
import dev.paved.spring.demo.OrdersApplication;
import dev.paved.test.HttpStub;
import dev.paved.test.LogCapture;
import dev.paved.test.TestTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Spring Boot 4.1 application (embedded Tomcat on an ephemeral port, real HTTP on
 * loopback, its inventory dependency an HTTP stub) on Paved's auto-configuration.
 */
class SpringBootAppTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static HttpStub inventory;
  private static ConfigurableApplicationContext app;
  private static Platform platform;
  private static int port;
  private static List<LogCapture.Line> startLogs = List.of();

  static String[] args(HttpStub stub, String name, String... more) {
    List<String> a = new ArrayList<>(
        List.of(
            "--server.port=0",
            "--spring.application.name=" + name,
            "--platform.admin.port=0",
            "--platform.admin.bind-address=127.0.0.1",
            "--platform.shutdown.drain=0ms",
            "--platform.flags.file=classpath:demo-flags.yaml",
            "--orders.inventory-url=" + stub.uri(""),
            "--platform.resilience.dependencies.inventory.backoff.initial-delay=1ms",
            "--platform.resilience.dependencies.inventory.backoff.max-delay=2ms",
            "--platform.resilience.dependencies.inventory.circuit-breaker.minimum-calls=6",
            "--platform.resilience.dependencies.inventory.budget.min-per-second=1000"));
    for (String m : more) {
      // A test's own value replaces the default (the command line would join two into a list).
      a.removeIf(d -> d.startsWith(m.substring(0, m.indexOf('=') + 1)));
    }
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  @BeforeAll
  static void start() {
    inventory = HttpStub.start().answer(200, "7");
    try (LogCapture logs = LogCapture.root().start()) {
      app = new SpringApplicationBuilder(OrdersApplication.class).run(
              args(
                  inventory,
                  "orders-spring",
                  "--management.endpoint.health.show-components=always",
                  "--management.endpoint.health.group.readiness.include=readinessState,paved,ordersStore"));
      startLogs = logs.lines();
    }
    platform = app.getBean(Platform.class);
    port = webPort(app);
  }

  @AfterAll
  static void stop() {
    app.close();
    inventory.close();
  }

  static HttpResponse<String> get(String uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> service(String path) throws Exception {
    return get("http://127.0.0.1:" + port + path);
  }

  static HttpResponse<String> admin(String path) throws Exception {
    return get("http://127.0.0.1:" + platform.admin().port() + path);
  }

  @Test
  void oneStackUnderTheApplication() {
    Platform bean = app.getBean(Platform.class);
    assertThat(bean.descriptor().name()).as("spring.application.name names the service").isEqualTo("orders-spring");
    assertThat(app.getBeansOfType(OpenTelemetry.class)).hasSize(1).containsValue(dev.paved.observability.Observability.of(bean).openTelemetry());
    MeterRegistry spring = app.getBean(MeterRegistry.class);
    assertThat(app.getBeansOfType(MeterRegistry.class)).hasSize(1);
    assertThat(((io.micrometer.core.instrument.composite.CompositeMeterRegistry) spring).getRegistries())
        .as("Spring's registry is a view of Paved's, nothing else")
        .containsExactly(dev.paved.observability.Observability.of(bean).meterRegistry());
    spring.counter("orders.created").increment();
    assertThat(dev.paved.observability.Observability.of(bean).meterRegistry().find("orders.created").counter()).isNotNull();
    assertThat(startLogs).as("start-up logged no warning or error").noneMatch(l -> l.level().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN));
    assertThat(app.getBean(PavedServerFilter.class).templates())
        .as("routes from the controllers' mappings, literal before parameter")
        .containsSubsequence("/api/orders/search", "/api/orders/{id}");
  }

  @Test
  void oneTraceAcrossTheRequestTheRestClientAndTheLogLines() throws Exception {
    try (LogCapture logs = LogCapture.root().start()) {
      HttpResponse<String> r = service("/api/orders/42");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"stock\":\"7\"").contains("\"newPricing\":true");

      TestTelemetry telemetry = TestTelemetry.of(platform);
      SpanData server = telemetry.awaitSpan(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("GET /api/orders/{id}"), "the SERVER span");
      String traceId = server.getTraceId();
      List<SpanData> trace = telemetry.trace(traceId);
      assertThat(trace.stream().filter(s -> s.getKind() == SpanKind.SERVER)).as("exactly one SERVER span").hasSize(1);
      assertThat(server.getAttributes().asMap().toString()).contains("http.route=/api/orders/{id}");
      SpanData client = telemetry.awaitSpan(s -> s.getKind() == SpanKind.CLIENT && s.getTraceId().equals(traceId), "the CLIENT span to the inventory");
      assertThat(client.getParentSpanId()).isNotEqualTo(io.opentelemetry.api.trace.SpanId.getInvalid());
      String traceparent = inventory.requests().get(inventory.requests().size() - 1).header("traceparent");
      assertThat(traceparent).as("W3C trace context sent to the inventory").contains(traceId);
      assertThat(server.getEvents()).as("the flag evaluation on the SERVER span").anyMatch(e -> e.getName().equals("feature_flag.evaluation"));
      assertThat(logs.lines()).as("the controller's log line carries the trace").anyMatch(l -> l.message().equals("reading order 42") && traceId.equals(l.traceId()));
    }
  }

  @Test
  void springBootsOwnRestClientAndRestTemplateBuildersAreTracedByPaved() throws Exception {
    int before = inventory.hits();
    HttpResponse<String> r = service("/api/stock/9");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"client\":\"7\"").contains("\"template\":\"7\"");
    TestTelemetry telemetry = TestTelemetry.of(platform);
    SpanData server = telemetry.awaitSpan(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("GET /api/stock/{id}"), "the SERVER span");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(telemetry.trace(server.getTraceId()).stream().filter(s -> s.getKind() == SpanKind.CLIENT)).as("one CLIENT span per call").hasSize(2));
    List<HttpStub.Request> calls = inventory.requests().subList(before, inventory.requests().size());
    assertThat(calls).hasSize(2).allMatch(c -> String.valueOf(c.header("traceparent")).contains(server.getTraceId()));
  }

  @Test
  void logsAreWrittenByPavedsJsonConfigurationNotSpringsPattern() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Set<String> appenders = new HashSet<>();
    for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      appenders.add(it.next().getName());
    }
    assertThat(appenders).contains("PAVED_JSON").doesNotContain("CONSOLE");
  }

  @Test
  void metricsHaveThePavedNamesOnceAndNoneOfSpringsHttpNames() throws Exception {
    assertThat(service("/api/orders/7").statusCode()).isEqualTo(200);
    TestTelemetry.of(platform).awaitCount(1, "http.server.request.duration", "http.route", "/api/orders/{id}");
    List<String> families = assertOneStack(admin("/metrics").body());
    assertThat(families).as("Paved's JVM metrics (OpenTelemetry names), not a second set").contains("jvm_memory_used_bytes");
  }

  /**
   * Paved's names, once each, and none of Spring's HTTP names, on a Prometheus page that has
   * served {@code /api/orders/{id}}; returns the metric families.
   */
  static List<String> assertOneStack(String metrics) {
    assertThat(metrics).containsPattern("http_server_request_duration_seconds_bucket\\{[^}]*http_route=\"/api/orders/\\{id\\}\"");
    assertThat(metrics).contains("http_client_request_duration_seconds").contains("http_server_active_requests");
    assertThat(metrics).doesNotContain("http_server_requests").doesNotContain("http_client_requests");
    Matcher types = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(metrics);
    List<String> families = new ArrayList<>();
    while (types.find()) {
      families.add(types.group(1));
    }
    assertThat(families).as("one series family per metric").doesNotHaveDuplicates().isNotEmpty();
    return families;
  }

  @Test
  void healthIsOneAcrossActuatorAndPaved() throws Exception {
    HttpResponse<String> actuator = service("/actuator/health/readiness");
    assertThat(actuator.statusCode()).isEqualTo(200);
    assertThat(admin("/health/ready").body())
        .contains("spring-readiness")
        .as("an indicator of Spring's readiness group is in Paved's readiness")
        .contains("spring-ordersStore")
        .as("the others are not, as in Spring Boot (a shared dependency's hiccup takes no instance out)")
        .doesNotContain("spring-diskSpace")
        .doesNotContain("spring-ping")
        .doesNotContain("\"service\"");
    OrdersApplication.STORE_UP.set(false);
    try {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(admin("/health/ready").statusCode()).as("a Spring indicator DOWN takes Paved's readiness down").isEqualTo(503));
    } finally {
      OrdersApplication.STORE_UP.set(true);
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> admin("/health/ready").statusCode() == 200);
    assertThat(service("/actuator/health").body()).as("Paved's readiness is Actuator's indicator 'paved'").contains("\"paved\":{\"status\":\"UP\"");

    java.util.concurrent.atomic.AtomicBoolean cacheUp = new java.util.concurrent.atomic.AtomicBoolean(false);
    platform.health().register("orders-cache", dev.paved.core.HealthKind.READINESS, () -> cacheUp.get() ? dev.paved.core.HealthResult.up() : dev.paved.core.HealthResult.down("cache unreachable"));
    try {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(service("/actuator/health/readiness").statusCode()).as("a Paved check DOWN takes Actuator's readiness group down").isEqualTo(503));
    } finally {
      cacheUp.set(true);
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> service("/actuator/health/readiness").statusCode() == 200);
    platform.health().unregister("orders-cache", dev.paved.core.HealthKind.READINESS);
  }

  @Test
  void aFailingDependencyIsRetriedThenItsBreakerOpens() throws Exception {
    try (HttpStub failing = HttpStub.start().answer(503, "down")) {
      ConfigurableApplicationContext other =
          new SpringApplicationBuilder(OrdersApplication.class).run(args(failing, "orders-failing"));
      try {
        int p = webPort(other);
        HttpResponse<String> first = get("http://127.0.0.1:" + p + "/api/orders/1");
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(failing.hits()).as("three attempts: the first and two retries").isEqualTo(3);
        for (int i = 0; i < 4; i++) {
          get("http://127.0.0.1:" + p + "/api/orders/1");
        }
        int hits = failing.hits();
        HttpResponse<String> open = get("http://127.0.0.1:" + p + "/api/orders/1");
        assertThat(open.body()).contains("CallNotPermittedException");
        assertThat(failing.hits()).as("an open breaker fails fast, without calling").isEqualTo(hits);
      } finally {
        other.close();
      }
    }
  }

  @Test
  void aMissingRequiredSecretRefusesStartWithPavedsMessage() {
    try (HttpStub stub = HttpStub.start()) {
      assertThatThrownBy(
              () ->
                  new SpringApplicationBuilder(OrdersApplication.class)
                      .run(args(stub, "orders-secretless", "--platform.secrets.required=kv/inventory#api-key")))
          .satisfies(e -> assertThat(rootMessages(e)).contains("kv/inventory#api-key"));
    }
  }

  static int webPort(ConfigurableApplicationContext context) {
    org.springframework.boot.web.server.WebServer server = ((WebServerApplicationContext) context).getWebServer();
    if (server == null) {
      throw new IllegalStateException("no web server");
    }
    return server.getPort();
  }

  static String rootMessages(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append('\n');
    }
    return b.toString();
  }
}
