package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proof of issue #3's golden path: a real JVM runs two HTTP servers and a client on loopback
 * with Paved's default logging; one request yields one trace across the server span, the client
 * span and the downstream server span, and every JSON log line of the request (parsed from the
 * process's real stdout) carries that trace id.
 */
@Timeout(120)
class GoldenPathIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern READY = Pattern.compile("READY orders=(\\d+) admin=(\\d+)");
  private static final List<String> output = Collections.synchronizedList(new ArrayList<>());
  private static final HttpClient client = HttpClient.newHttpClient();
  private static @Nullable Process process;
  private static int ordersPort;
  private static int adminPort;

  @BeforeAll
  static void launch() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), GoldenPathApp.class.getName());
    pb.environment().keySet().removeIf(k -> k.startsWith("PLATFORM_") || k.startsWith("OTEL_"));
    Process p = pb.redirectErrorStream(true).start();
    process = p;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.add(line);
        }
      } catch (IOException e) {
        output.add("reader failed: " + e);
      }
    });
    reader.setDaemon(true);
    reader.start();
    Awaitility.await("READY line; output: " + output).atMost(Duration.ofSeconds(60))
        .until(() -> output.stream().anyMatch(l -> READY.matcher(l).find()));
    Matcher m = output.stream().map(READY::matcher).filter(Matcher::find).findFirst().orElseThrow();
    ordersPort = Integer.parseInt(m.group(1));
    adminPort = Integer.parseInt(m.group(2));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    Process p = process;
    if (p != null) {
      p.toHandle().destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private static HttpResponse<String> get(int port, String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    headers.forEach(b::header);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonNode> jsonLines() {
    List<JsonNode> lines = new ArrayList<>();
    synchronized (output) {
      for (String l : output) {
        if (l.startsWith("{")) {
          try {
            lines.add(JSON.readTree(l));
          } catch (IOException e) {
            throw new AssertionError("not one JSON object per line: " + l, e);
          }
        }
      }
    }
    return lines;
  }

  private static Optional<JsonNode> trace(String traceId) throws Exception {
    JsonNode traces = JSON.readTree(get(adminPort, "/traces?limit=50", Map.of()).body()).get("traces");
    return StreamSupport.stream(traces.spliterator(), false).filter(t -> t.get("traceId").asText().equals(traceId)).findFirst();
  }

  @Test
  void oneTraceAcrossServerClientDownstreamAndEveryLogLine() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parentSpan = "00f067aa0ba902b7";
    HttpResponse<String> r = get(ordersPort, "/api/orders/7", Map.of("traceparent", "00-" + traceId + "-" + parentSpan + "-01"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"inStock\":true");

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> trace(traceId).map(t -> t.get("spans").size() >= 3).orElse(false));
    JsonNode spans = trace(traceId).orElseThrow().get("spans");
    JsonNode serverA = find(spans, "GET /api/orders/{id}");
    JsonNode clientSpan = find(spans, "GET");
    JsonNode serverB = find(spans, "GET /api/stock/{sku}");
    assertThat(serverA.get("kind").asText()).isEqualTo("SERVER");
    assertThat(serverA.get("parentSpanId").asText()).isEqualTo(parentSpan);
    assertThat(clientSpan.get("kind").asText()).isEqualTo("CLIENT");
    assertThat(clientSpan.get("parentSpanId").asText()).isEqualTo(serverA.get("spanId").asText());
    assertThat(serverB.get("parentSpanId").asText()).isEqualTo(clientSpan.get("spanId").asText());
    assertThat(serverA.get("attributes").get("http.route").asText()).isEqualTo("/api/orders/{id}");
    assertThat(serverA.get("attributes").get("http.response.status_code").asText()).isEqualTo("200");
    assertThat(clientSpan.get("attributes").get("server.address").asText()).isEqualTo("127.0.0.1");

    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> jsonLines().stream().filter(l -> traceId.equals(l.path("trace_id").asText())).count() >= 3);
    List<JsonNode> requestLines = jsonLines().stream().filter(l -> traceId.equals(l.path("trace_id").asText())).toList();
    assertThat(requestLines).extracting(l -> l.get("message").asText())
        .contains("order requested", "hop to another thread", "checking stock");
    JsonNode hop = requestLines.stream().filter(l -> l.get("message").asText().equals("hop to another thread")).findFirst().orElseThrow();
    assertThat(hop.get("thread").asText()).startsWith("pool-");
    JsonNode ordered = requestLines.stream().filter(l -> l.get("message").asText().equals("order requested")).findFirst().orElseThrow();
    assertThat(ordered.get("span_id").asText()).isEqualTo(serverA.get("spanId").asText());
    assertThat(ordered.get("trace_flags").asText()).isEqualTo("01");
    assertThat(ordered.get("order.id").asText()).isEqualTo("7");
    JsonNode stock = requestLines.stream().filter(l -> l.get("message").asText().equals("checking stock")).findFirst().orElseThrow();
    assertThat(stock.get("sku").asText()).isEqualTo("sku-1");
    for (JsonNode line : requestLines) {
      assertThat(line.has("@timestamp")).isTrue();
      assertThat(line.get("level").asText()).isEqualTo("INFO");
      assertThat(line.has("logger")).isTrue();
      assertThat(line.get("service.name").asText()).isEqualTo("golden");
      assertThat(line.get("service.version").asText()).isEqualTo("1.2.3");
      assertThat(line.get("deployment.environment").asText()).isEqualTo("local");
    }
  }

  @Test
  void errorsAreOneJsonObjectPerLineWithErrorFields() throws Exception {
    HttpResponse<String> r = get(ordersPort, "/api/orders/boom", Map.of());
    assertThat(r.statusCode()).isEqualTo(500);
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> jsonLines().stream().anyMatch(l -> l.path("message").asText().equals("order boom failed")));
    JsonNode error = jsonLines().stream().filter(l -> l.path("message").asText().equals("order boom failed")).findFirst().orElseThrow();
    assertThat(error.get("level").asText()).isEqualTo("ERROR");
    assertThat(error.get("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.get("error.message").asText()).startsWith("order failed: line1\nline2 \u2028 \u001b[31m \"} {\"forged\":true}");
    assertThat(error.get("error.stack_trace").asText()).contains("GoldenPathApp");
    assertThat(error.has("forged")).isFalse();
    String raw = output.stream().filter(l -> l.contains("order boom failed")).findFirst().orElseThrow();
    assertThat(raw).doesNotContain("\u2028").doesNotContain("\u001b");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      JsonNode traces = JSON.readTree(get(adminPort, "/traces?limit=50", Map.of()).body()).get("traces");
      return StreamSupport.stream(traces.spliterator(), false).flatMap(t -> StreamSupport.stream(t.get("spans").spliterator(), false))
          .anyMatch(s -> s.get("name").asText().equals("GET /api/orders/{id}") && s.get("status").asText().equals("ERROR")
              && s.get("attributes").path("error.type").asText().equals("500"));
    });
  }

  @Test
  void metricsShowRedSeriesWithRouteTemplatesAndParseAsPrometheusText() throws Exception {
    assertThat(get(ordersPort, "/api/orders/8", Map.of()).statusCode()).isEqualTo(200);
    // Inside the context but matching no template: recorded under the single value "unmatched".
    assertThat(get(ordersPort, "/api/orders/8/items/3", Map.of()).statusCode()).isEqualTo(200);
    // The server records a request after its response is written: the client can read the
    // answer before the series exists, so wait for it rather than race it.
    java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> scraped = new java.util.concurrent.atomic.AtomicReference<>();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              HttpResponse<String> m = get(adminPort, "/metrics", Map.of());
              scraped.set(m);
              return m.body().contains("http_route=\"unmatched\"");
            });
    HttpResponse<String> metrics = java.util.Objects.requireNonNull(scraped.get());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
    String body = metrics.body();
    PrometheusText.assertValid(body);
    PrometheusText.assertPromtoolAccepts(body);
    assertThat(body)
        .containsPattern("http_server_request_duration_seconds_bucket\\{[^}]*http_request_method=\"GET\"[^}]*http_route=\"/api/orders/\\{id}\"")
        .containsPattern("http_server_request_duration_seconds_bucket\\{[^}]*http_route=\"/api/stock/\\{sku}\"")
        .containsPattern("http_server_request_duration_seconds_count\\{[^}]*http_route=\"unmatched\"")
        .containsPattern("http_client_request_duration_seconds_count\\{[^}]*server_address=\"127.0.0.1\"")
        .contains("le=\"0.005\"").contains("le=\"10.0\"")
        .contains("http_server_active_requests")
        .contains("jvm_memory_used_bytes")
        .containsPattern("jvm_gc_duration_seconds_bucket\\{[^}]*jvm_gc_action=\"[^\"]+\"[^}]*jvm_gc_name=\"[^\"]+\"[^}]*le=\"0.01\"")
        .contains("process_uptime_seconds")
        .doesNotContain("/api/orders/8");
    assertThat(body).doesNotContain("/api/orders/8/items/3");
  }

  @Test
  void openMetricsCarryExemplarsWithTraceIds() throws Exception {
    get(ordersPort, "/api/orders/9", Map.of());
    String body = get(adminPort, "/metrics", Map.of("Accept", "application/openmetrics-text; version=1.0.0")).body();
    assertThat(body).containsPattern("http_server_request_duration_seconds_bucket\\{.*http_route=\"/api/orders/\\{id}\".*} \\d+ # \\{span_id=\"[0-9a-f]{16}\",trace_id=\"[0-9a-f]{32}\"}");
    // OpenMetrics allows exemplars only on counters and histogram buckets: Prometheus 2.x fails the
    // whole scrape on an exemplar on _count ("does not support exemplars"), which Micrometer's
    // default configuration writes.
    assertThat(body).doesNotContainPattern("(?m)^[a-z_]+_count\\{[^}]*} [0-9.e+]+ #");
  }

  private static JsonNode find(JsonNode spans, String name) {
    return StreamSupport.stream(spans.spliterator(), false).filter(s -> s.get("name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
  }
}
