package dev.paved.examples.httpapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.paved.test.HttpStub;
import dev.paved.test.ServiceProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jspecify.annotations.Nullable;

/** Runs the built jar as the README does, as a real process, and talks to both of its ports. */
@Timeout(120)
class HttpApiIT {
  private static final Path JAR = Path.of("target", "http-api.jar");
  private static final Pattern LISTENING = Pattern.compile("http-api listening on port (\\d+), admin on port (\\d+)");

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private @Nullable ServiceProcess process;

  @AfterEach
  void kill() {
    ServiceProcess p = process;
    if (p != null) {
      p.close();
    }
  }

  /** The jar as the README runs it, through the test kit's process helper. */
  private ServiceProcess launch(Map<String, String> env) {
    ServiceProcess.Builder b = ServiceProcess.jar(JAR);
    env.forEach(b::env);
    ServiceProcess started = b.start();
    process = started;
    return started;
  }

  /** The example's own line with both ports (its admin port is also the platform's start-up event). */
  private static Matcher listening(ServiceProcess app) {
    Matcher m = LISTENING.matcher(app.awaitLine(l -> LISTENING.matcher(l).find(), "the example's listening line"));
    assertThat(m.find()).isTrue();
    return m;
  }

  /** The 1-based line of {@code text} in {@code yaml}. */
  private static int lineOf(String yaml, String text) {
    return yaml.substring(0, yaml.indexOf(text)).split("\n", -1).length;
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersOnBothPortsAndShutsDownGracefullyOnSigterm() throws Exception {
    ServiceProcess app = launch(Map.of("HTTP_PORT", "0", "PLATFORM_ADMIN_PORT", "0", "SHUTDOWN_DRAIN", "100ms"));
    Matcher m = listening(app);
    int appPort = Integer.parseInt(m.group(1));
    int adminPort = Integer.parseInt(m.group(2));

    HttpResponse<String> order = get(appPort, "/api/orders/1");
    assertThat(order.statusCode()).isEqualTo(200);
    assertThat(order.body()).matches("\\{\"id\":1,\"status\":\"CONFIRMED\",\"totalCents\":4990,\"currency\":\"EUR\",\"checkout\":\"(classic|express)\"}");
    // The new-checkout flag (local flags.yaml: half of the orders, sticky by order id).
    for (int id : new int[] {1, 2, 42}) {
      String first = get(appPort, "/api/orders/" + id).body();
      assertThat(get(appPort, "/api/orders/" + id).body()).as("sticky per order").isEqualTo(first);
      assertThat(first).containsPattern("\"checkout\":\"(classic|express)\"");
    }
    assertThat(get(adminPort, "/health/ready").body()).contains("\"name\":\"flags\",\"status\":\"UP\"");
    // Its SLOs, live: the requests above counted, the budgets whole (none failed).
    String slo = get(adminPort, "/slo").body();
    assertThat(slo).contains("\"availability\":{\"kind\":\"availability\",\"objective\":99.9").contains("\"order-latency\":{\"kind\":\"latency\"");
    assertThat(slo).containsPattern("\"thresholdMs\":300,\"requests\":[1-9]").contains("\"errorBudgetRemaining\":1.0");
    // The golden path: the request's span, its JSON log line with the same trace id, its RED series.
    HttpResponse<String> traces = get(adminPort, "/traces");
    Matcher span = Pattern.compile("\\{\"traceId\":\"([0-9a-f]{32})\",\"spans\":\\[\\{\"name\":\"GET /api/orders/\\{id}\"").matcher(traces.body());
    assertThat(span.find()).as("a SERVER span named after the route in %s", traces.body()).isTrue();
    String traceId = span.group(1);
    String logLine = app.awaitLine(l -> l.contains("\"trace_id\":\"" + traceId + "\""), "a log line of trace " + traceId);
    assertThat(logLine).startsWith("{").contains("\"message\":\"order looked up\"").contains("\"service.name\":\"http-api\"");
    String metrics = get(adminPort, "/metrics").body();
    assertThat(metrics).contains("http_server_request_duration_seconds_bucket{error_type=\"\",http_request_method=\"GET\",http_response_status_code=\"200\",http_route=\"/api/orders/{id}\"");

    assertThat(get(appPort, "/api/orders/999").statusCode()).isEqualTo(404);
    assertThat(get(appPort, "/api/orders/abc").statusCode()).isEqualTo(400);

    HttpResponse<String> ready = get(adminPort, "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"name\":\"orders-db\",\"status\":\"UP\"");
    assertThat(get(adminPort, "/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> info = get(adminPort, "/info");
    assertThat(info.body()).contains("\"name\":\"http-api\"").contains("\"owner\":\"team-examples\"").contains("\"sdkVersion\":\"0.1.0-SNAPSHOT\"");

    app.sigterm();
    assertThat(app.awaitExit()).as("the JVM's exit on SIGTERM").isEqualTo(143);
    assertThat(app.shutdownPhases()).containsExactly("readiness-down", "drain", "in-flight", "modules", "admin");
    assertThat(app.lines()).anyMatch(l -> l.contains("Paved shutdown of http-api finished"));
  }

  @Test
  void editingItsConfigurationFileReloadsTheOrdersSectionAndAnInvalidEditIsRejected(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("platform.yaml");
    String yaml = Files.readString(Path.of("src", "main", "resources", "platform.yaml"));
    Files.writeString(file, yaml);
    ServiceProcess app = launch(Map.of("HTTP_PORT", "0", "PLATFORM_ADMIN_PORT", "0", "PLATFORM_CONFIG", file.toString()));
    Matcher m = listening(app);
    int appPort = Integer.parseInt(m.group(1));
    int adminPort = Integer.parseInt(m.group(2));
    assertThat(get(appPort, "/api/orders").body()).startsWith("{\"pageSize\":50,");

    Files.writeString(file, yaml.replace("page-size: 50", "page-size: 2"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> get(appPort, "/api/orders").body().startsWith("{\"pageSize\":2,"));
    assertThat(get(appPort, "/api/orders").body()).contains("\"id\":2").doesNotContain("\"id\":42");
    assertThat(get(adminPort, "/config").body()).contains("\"orders.page-size\":{\"value\":\"2\",\"source\":\"" + file + ":" + lineOf(yaml, "page-size: 50") + ":14\"}");

    Files.writeString(file, yaml.replace("page-size: 50", "page-size: 0"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> get(adminPort, "/config/history").body().contains("\"outcome\":\"rejected\""));
    assertThat(get(appPort, "/api/orders").body()).startsWith("{\"pageSize\":2,");
    HttpResponse<String> ready = get(adminPort, "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("lastRejected").contains("orders.page-size");
    assertThat(app.lines())
        .anyMatch(l -> l.contains("\"event.kind\":\"config_change\"") && l.contains("\"config.outcome\":\"rejected\""))
        .anyMatch(l -> l.contains("orders settings changed: page size 50 -> 2"));
  }

  @Test
  void badConfigurationStopsItWithAClearMessage() throws Exception {
    ServiceProcess app = launch(Map.of("HTTP_PORT", "0", "PLATFORM_ADMIN_PORT", "eighty", "PLATFORM_ADMN_THREADS", "2"));
    assertThat(app.awaitExit()).isEqualTo(2);
    List<String> output = app.lines();
    String all = String.join("\n", output);
    assertThat(all)
        .contains("Invalid Paved configuration: 2 problems")
        .contains("platform.admin.port (environment variable PLATFORM_ADMIN_PORT): 'eighty' is not an integer from 0 to 65535")
        .contains("did you mean PLATFORM_ADMIN_THREADS?");
    // As one structured event, each problem a field, and nothing on stdout but JSON lines.
    assertThat(output)
        .anyMatch(l -> l.contains("\"event.kind\":\"fatal\"") && l.contains("\"config.problems\":2") && l.contains("\"config.problem.1\":"));
    assertThat(output).allMatch(l -> l.startsWith("{") && l.endsWith("}"), "JSON lines only");
  }

  @Test
  void aFailingInventoryIsRetriedWithinTheBudgetAndTheOrderIsStillServed() throws Exception {
    try (HttpStub inventory = HttpStub.start().answer(503, "")) {
      ServiceProcess app = launch(Map.of("HTTP_PORT", "0", "PLATFORM_ADMIN_PORT", "0", "SHUTDOWN_DRAIN", "0s",
          "INVENTORY_URL", inventory.uri("").toString(), "INVENTORY_API_KEY", "dev-inventory-key-1"));
      Matcher m = listening(app);
      HttpResponse<String> order = get(Integer.parseInt(m.group(1)), "/api/orders/2");
      assertThat(order.statusCode()).isEqualTo(200);
      assertThat(order.body()).contains("\"stock\":\"unknown\"");
      assertThat(inventory.hits()).as("3 attempts by default").isEqualTo(3);
      assertThat(inventory.requests())
          .as("the API key from the development secrets source, on every attempt")
          .extracting(r -> r.header("x-api-key"))
          .containsOnly("dev-inventory-key-1");
      String metrics = get(Integer.parseInt(m.group(2)), "/metrics").body();
      assertThat(metrics).contains("paved_resilience_retries_total{dependency=\"inventory\"").contains("paved_resilience_calls_total{dependency=\"inventory\",outcome=\"failure\"");
    }
  }

  @Test
  void withTheInventoryConfiguredButNoApiKeyItStopsNamingTheSecret() throws Exception {
    ServiceProcess app = launch(Map.of("HTTP_PORT", "0", "PLATFORM_ADMIN_PORT", "0", "INVENTORY_URL", "http://127.0.0.1:9"));
    assertThat(app.awaitExit()).isEqualTo(2);
    List<String> output = app.lines();
    // One fatal JSON event names the secret; every line on stdout is JSON.
    assertThat(output)
        .anyMatch(l -> l.contains("\"event.kind\":\"fatal\"") && l.contains("kv/inventory#api-key") && l.contains("\"exit.code\":2"));
    assertThat(output).allMatch(l -> l.startsWith("{") && l.endsWith("}"), "JSON lines only");
  }

  /**
   * The leak test: seeded secret values — an API key from the secrets source and a password in the
   * configuration — go through every flow, errors and stack traces included; nothing the service
   * writes or serves may contain them.
   */
  @Test
  void noSeededSecretAppearsInAnythingItWritesOrServes(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    String apiKey = "seeded-inventory-key-Q7x9Z2";
    String dbPassword = "seeded-db-password-K3m8W1";
    Path file = dir.resolve("platform.yaml");
    Files.writeString(
        file, Files.readString(Path.of("src", "main", "resources", "platform.yaml")) + "\nlegacy:\n  db-password: " + dbPassword + "\n");
    List<String> received = Collections.synchronizedList(new ArrayList<>());
    com.sun.net.httpserver.HttpServer inventory = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    inventory.createContext("/api/stock/", ex -> {
      String key = String.valueOf(ex.getRequestHeaders().getFirst("X-Api-Key"));
      received.add(key);
      String path = ex.getRequestURI().getPath();
      if (path.endsWith("/1")) {
        // An upstream that echoes the credential in its error, which the service logs.
        byte[] body = ("invalid api key " + key + " for " + path).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(401, body.length);
        ex.getResponseBody().write(body);
      } else if (path.endsWith("/2")) {
        ex.getHttpContext().getServer(); // no answer at all: the connection closes, an exception with a stack trace
      } else {
        byte[] body = "7".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
      }
      ex.close();
    });
    inventory.start();
    try {
      ServiceProcess app = launch(Map.of(
          "HTTP_PORT", "0", "PLATFORM_ADMIN_PORT", "0", "SHUTDOWN_DRAIN", "0s", "PLATFORM_CONFIG", file.toString(),
          "INVENTORY_URL", "http://127.0.0.1:" + inventory.getAddress().getPort(), "INVENTORY_API_KEY", apiKey));
      Matcher m = listening(app);
      int appPort = Integer.parseInt(m.group(1));
      int adminPort = Integer.parseInt(m.group(2));
      List<String> served = new ArrayList<>();
      for (String path : List.of("/api/orders/1", "/api/orders/2", "/api/orders/42", "/api/orders/999", "/api/orders/abc", "/api/orders", "/api/other")) {
        served.add(get(appPort, path).body());
      }
      assertThat(served.get(2)).contains("\"stock\":7");
      app.awaitLine(l -> l.contains("inventory answered 401"), "the 401 logged");
      app.awaitLine(l -> l.contains("inventory unavailable"), "the dropped connection logged");
      for (String path : List.of("/config", "/config/history", "/info", "/traces", "/metrics", "/health/ready", "/health/live")) {
        served.add(get(adminPort, path).body());
      }
      app.sigterm();
      app.awaitExit();
      List<String> output = app.lines();

      assertThat(received).as("the service did use the seeded key").contains(apiKey);
      String written = String.join("\n", output);
      assertThat(written).contains("inventory answered 401: invalid api key ****** for /api/stock/1");
      assertThat(written).contains("\"error.stack_trace\"");
      assertThat(served.get(7)).contains("\"legacy.db-password\":{\"value\":\"******\"");
      for (String seeded : List.of(apiKey, dbPassword)) {
        assertThat(written).as("stdout and stderr").doesNotContain(seeded);
        for (String body : served) {
          assertThat(body).as("a served body").doesNotContain(seeded);
        }
      }
    } finally {
      inventory.stop(0);
    }
  }

  @Test
  void itsBuildGeneratesTheCatalogEntityFromItsDescriptor() throws IOException {
    String entity = Files.readString(Path.of("target", "platform", "catalog-info.yaml"));
    assertThat(entity)
        .contains("kind: Component")
        .contains("name: http-api")
        .contains("owner: group:team-examples")
        .contains("system: paved-examples")
        .contains("- component:default/inventory")
        .contains("- resource:default/orders-db")
        .contains("url: https://example.com/paved/examples/http-api/runbook")
        .contains("url: https://example.com/grafana/d/http-api")
        .contains("grafana/dashboard-selector: tags @> 'http-api'")
        .contains("runbook-linked=pass")
        .contains("slo-declared=pass");
  }

  @Test
  void itsBuildGeneratesTheRulesOfItsSlos() throws IOException {
    String rules = Files.readString(Path.of("target", "platform", "slo.rules.yml"));
    assertThat(rules)
        .contains("name: slo:http-api-availability:alerts")
        .contains("name: slo:http-api-order-latency:recording")
        .contains("alert: SloBurnRatePage")
        .contains("alert: SloBurnRateTicket")
        .contains("team: team-examples");
    assertThat(Files.readString(Path.of("target", "platform", "slo-prometheusrule.yaml")))
        .contains("kind: PrometheusRule")
        .contains("name: http-api-slo");
    // The 300 ms threshold, queried as the bucket boundary the running service exports.
    assertThat(rules).contains("le=\"0.3\""); // a plain YAML scalar; a real Prometheus loads the file below
    assertThat(Files.readString(Path.of("target", "platform", "openslo.yaml")))
        .contains("apiVersion: openslo/v1")
        .contains("kind: Service")
        .contains("indicatorRef: http-api-order-latency-sli")
        .contains("target: 0.999");
    com.fasterxml.jackson.databind.JsonNode dashboard =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(Path.of("target", "platform", "grafana-dashboard.json").toFile());
    assertThat(dashboard.path("uid").asText()).isEqualTo("paved-http-api");
    assertThat(dashboard.path("tags").toString()).contains("\"http-api\"");
  }

  @Test
  void readmeCommandArtifactIsAnExecutableJar() throws IOException {
    try (var jar = new java.util.jar.JarFile(JAR.toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.paved.examples.httpapi.HttpApiMain");
    }
    assertThat(Files.size(JAR)).isGreaterThan(10_000);
  }

  /**
   * A real Prometheus (Debian's {@code prometheus} package, which {@code .ci/run} installs) with
   * {@code --web.enable-lifecycle}, loading every rules file of a directory and scraping the
   * example's admin port; the example publishes its SLO rules into that directory and asks
   * Prometheus to reload, as {@code platform.slo.publish.*} does in production.
   */
  @Test
  @Timeout(180)
  void aRealPrometheusLoadsThePublishedSloRulesAndRecordsTheirSeries(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    int adminPort;
    int promPort;
    try (java.net.ServerSocket a = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        java.net.ServerSocket b = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      adminPort = a.getLocalPort();
      promPort = b.getLocalPort();
    }
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Path config = Files.writeString(
        dir.resolve("prometheus.yml"),
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - %s/*.yml
        scrape_configs:
          - job_name: http-api
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(rules, adminPort));
    Process prometheus =
        new ProcessBuilder(
                "prometheus",
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + promPort,
                "--web.enable-lifecycle")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    try {
      Awaitility.await("Prometheus ready").atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(promPort, "/-/ready").statusCode() == 200);
      ServiceProcess app = launch(
          Map.of(
              "HTTP_PORT", "0",
              "PLATFORM_ADMIN_PORT", String.valueOf(adminPort),
              "PLATFORM_SLO_PUBLISH_RULES_DIRECTORY", rules.toString(),
              "PLATFORM_SLO_PUBLISH_RELOAD_URL", "http://127.0.0.1:" + promPort + "/-/reload"));
      Matcher m = listening(app);
      int appPort = Integer.parseInt(m.group(1));

      // What the service published at start-up is what its build generated.
      Path published = rules.resolve("http-api-slo.rules.yml");
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(published));
      assertThat(Files.readString(published)).isEqualTo(Files.readString(Path.of("target", "platform", "slo.rules.yml")));

      // Prometheus reloaded: both SLOs' groups are loaded and healthy.
      Awaitility.await("rules loaded").atMost(Duration.ofSeconds(60)).until(() -> get(promPort, "/api/v1/rules").body().contains("slo:http-api-order-latency:recording"));
      String loaded = get(promPort, "/api/v1/rules").body();
      assertThat(loaded).contains("slo:http-api-availability:recording").contains("slo:http-api-availability:alerts").doesNotContain("\"health\":\"err\"");

      // Traffic; then the SLO recording series have values (the latency one reads the le="0.3"
      // bucket, so this also proves the 300 ms threshold was aligned as a bucket boundary).
      for (int i = 0; i < 20; i++) {
        assertThat(get(appPort, "/api/orders/" + (1 + i % 2)).statusCode()).isEqualTo(200);
      }
      for (String slo : List.of("http-api-availability", "http-api-order-latency")) {
        String query = "/api/v1/query?query=" + java.net.URLEncoder.encode("slo:sli_error:ratio_rate5m{slo=\"" + slo + "\"}", StandardCharsets.UTF_8);
        // Until a rate sees the traffic grow the ratio is NaN (0 of 0: no alarm); then 0 — no
        // request failed or was slower than 300 ms on loopback. Traffic keeps coming meanwhile.
        Pattern zero = Pattern.compile("\"value\":\\[[0-9.]+,\"0\"\\]");
        Awaitility.await("an error ratio of 0 for " + slo).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .until(() -> get(appPort, "/api/orders/1").statusCode() == 200 && zero.matcher(get(promPort, query).body()).find());
        assertThat(get(promPort, query).body()).contains("\"slo\":\"" + slo + "\"").contains("\"service\":\"http-api\"");
      }
      assertThat(get(adminPort, "/metrics").body()).containsPattern("paved_slo_rules_publish_total\\{[^}]*outcome=\"success\"[^}]*} 1.0");
    } finally {
      prometheus.destroy();
      if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
  }
}
