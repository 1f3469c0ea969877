package dev.paved.slo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;
import dev.paved.core.Platform;
import dev.paved.observability.Observability;
import dev.paved.slo.internal.GrafanaDashboard;
import dev.paved.slo.internal.OpenSlo;
import dev.paved.slo.internal.PrometheusRules;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenSLO documents, the Grafana dashboard against a live /metrics, and publishing the rules. */
class GeneratedArtifactsTest {
  @TempDir Path dir;

  private static String get(int port, String path) throws Exception {
    return SloTrackingTest.get(port, path);
  }

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  @Test
  void openSloDocumentsAreV1AndEveryReferenceResolves() throws Exception {
    List<Slo> slos = PrometheusRulesTest.allKinds();
    String yaml = OpenSlo.documents(PrometheusRulesTest.orders(), slos);
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(yaml)) {
      new YAMLMapper().readValues(parser, JsonNode.class).forEachRemaining(docs::add);
    }
    Map<String, Set<String>> names = new HashMap<>();
    for (JsonNode d : docs) {
      assertThat(d.path("apiVersion").asText()).isEqualTo("openslo/v1");
      String name = d.path("metadata").path("name").asText();
      assertThat(name).as("RFC 1123 name").matches(NAME);
      names.computeIfAbsent(d.path("kind").asText(), k -> new HashSet<>()).add(name);
    }
    assertThat(names.keySet()).containsExactlyInAnyOrder("Service", "SLI", "SLO", "AlertPolicy");
    assertThat(names.get("SLO")).hasSize(4);
    assertThat(names.get("AlertPolicy")).hasSize(16);
    for (JsonNode d : docs) {
      JsonNode spec = d.path("spec");
      switch (d.path("kind").asText()) {
        case "SLO" -> {
          assertThat(names.get("Service")).contains(spec.path("service").asText());
          assertThat(names.get("SLI")).contains(spec.path("indicatorRef").asText());
          spec.path("alertPolicies").forEach(a -> assertThat(names.get("AlertPolicy")).contains(a.path("alertPolicyRef").asText()));
          assertThat(spec.path("budgetingMethod").asText()).isEqualTo("Occurrences");
          assertThat(spec.path("timeWindow").get(0).path("isRolling").asBoolean()).isTrue();
          double target = spec.path("objectives").get(0).path("target").asDouble();
          assertThat(target).isGreaterThan(0).isLessThan(1);
        }
        case "AlertPolicy" -> {
          assertThat(spec.path("conditions")).hasSize(1); // OpenSLO allows one
          JsonNode c = spec.path("conditions").get(0).path("spec").path("condition");
          assertThat(c.path("kind").asText()).isEqualTo("burnrate");
          assertThat(List.of(14.4, 6.0, 3.0, 1.0)).contains(c.path("threshold").asDouble());
          assertThat(spec.path("notificationTargets")).isNotEmpty();
        }
        case "SLI" -> {
          JsonNode ratio = spec.path("ratioMetric");
          if (d.path("metadata").path("name").asText().contains("nightly")) {
            assertThat(ratio.path("rawType").asText()).isEqualTo("failure");
            assertThat(ratio.path("raw").path("metricSource").path("spec").path("query").asText()).isEqualTo("slo:sli_error:ratio_rate5m{slo=\"orders-nightly\"}");
          } else {
            assertThat(ratio.path("counter").asBoolean()).isTrue();
            assertThat(ratio.path("bad").path("metricSource").path("type").asText()).isEqualTo("Prometheus");
            assertThat(ratio.path("total").path("metricSource").path("spec").path("query").asText()).startsWith("sum(");
          }
        }
        default -> {}
      }
    }
  }

  /** name{label="…",…} selectors in PromQL. */
  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");

  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");

  @Test
  void theDashboardParsesAndQueriesOnlySeriesAndLabelsTheServiceExposes() throws Exception {
    try (Platform p = platform().start()) {
      Observability obs = Observability.of(p);
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/api/orders", ex -> {
        ex.sendResponseHeaders(200, -1);
        ex.close();
      }).getFilters().add(obs.httpServerFilter());
      server.start();
      try {
        get(server.getAddress().getPort(), "/api/orders/1");
      } finally {
        server.stop(0);
      }
      String metrics = get(p.admin().port(), "/metrics");
      Map<String, Set<String>> labelsBySeries = new HashMap<>();
      // Label values may hold braces (http_route="/api/orders/{id}"): match quoted values whole.
      Matcher m =
          Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*)}")
              .matcher(metrics);
      while (m.find()) {
        Set<String> labels = labelsBySeries.computeIfAbsent(m.group(1), k -> new HashSet<>());
        Matcher l = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"").matcher(m.group(2));
        while (l.find()) {
          labels.add(l.group(1));
        }
      }

      JsonNode dashboard = new ObjectMapper().readTree(GrafanaDashboard.json(p.descriptor(), Slo.fromConfig(p.config())));
      assertThat(dashboard.path("uid").asText()).isEqualTo("paved-orders");
      assertThat(dashboard.path("tags").toString()).contains("\"orders\"");
      List<String> exprs = new ArrayList<>();
      dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
      assertThat(exprs).hasSizeGreaterThanOrEqualTo(4 + 2 * 2);
      int selectors = 0;
      for (String expr : exprs) {
        Matcher s = SELECTOR.matcher(expr);
        while (s.find()) {
          selectors++;
          String series = s.group(1);
          assertThat(labelsBySeries).as("series %s of %s on /metrics", series, expr).containsKey(series);
          Matcher l = LABEL.matcher(s.group(2));
          while (l.find()) {
            assertThat(labelsBySeries.get(series)).as("label %s of %s on /metrics", l.group(1), series).contains(l.group(1));
          }
        }
      }
      assertThat(selectors).isGreaterThanOrEqualTo(exprs.size());
      // Per-SLO panels name their SLO.
      assertThat(dashboard.toString()).contains("slo=\\\"availability\\\"").contains("slo=\\\"latency\\\"");
    }
  }

  private Platform.Builder platform() {
    return SloTrackingTest.base(java.time.Clock.systemUTC())
        .property("platform.observability.http.routes", "/api/orders/{id}")
        .property("platform.slo.objectives.availability.kind", "availability")
        .property("platform.slo.objectives.availability.objective", "99.9")
        .property("platform.slo.objectives.latency.kind", "latency")
        .property("platform.slo.objectives.latency.objective", "99")
        .property("platform.slo.objectives.latency.route", "/api/orders/{id}")
        .property("platform.slo.objectives.latency.threshold", "300ms");
  }

  @Test
  void rulesArePublishedInTheBackgroundAndAFailedReloadIsCountedAndRetried() throws Exception {
    AtomicInteger reloads = new AtomicInteger();
    HttpServer prometheus = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    prometheus.createContext("/-/reload", ex -> {
      int n = reloads.incrementAndGet();
      byte[] body = (n == 1 ? "failed to reload config" : "").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ex.sendResponseHeaders(n == 1 ? 500 : 200, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        ex.getResponseBody().write(body);
      }
      ex.close();
    });
    prometheus.start();
    Path rulesDir = dir.resolve("rules");
    try (Platform p =
        platform()
            .property("platform.slo.publish.rules-directory", rulesDir.toString())
            .property("platform.slo.publish.reload-url", "http://127.0.0.1:" + prometheus.getAddress().getPort() + "/-/reload")
            .start()) {
      Path file = rulesDir.resolve("orders-slo.rules.yml");
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> reloads.get() >= 2);
      assertThat(reloads.get()).isEqualTo(2);
      assertThat(Files.readString(file)).isEqualTo(PrometheusRules.rulesFile(p.descriptor(), Slo.fromConfig(p.config())));
      assertThat(rulesDir.toFile().list()).containsExactly("orders-slo.rules.yml"); // no temporary file left
      String metrics = get(p.admin().port(), "/metrics");
      assertThat(metrics)
          .containsPattern("paved_slo_rules_publish_total\\{[^}]*outcome=\"failure\"[^}]*} 1.0")
          .containsPattern("paved_slo_rules_publish_total\\{[^}]*outcome=\"success\"[^}]*} 1.0");
    } finally {
      prometheus.stop(0);
    }
  }

  @Test
  void anUnwritableRulesDirectoryNeitherBlocksNorFailsStartUp() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    try (Platform p = platform().property("platform.slo.publish.rules-directory", notADirectory.resolve("rules").toString()).start()) {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> get(p.admin().port(), "/metrics").matches("(?s).*paved_slo_rules_publish_total\\{[^}]*outcome=\"failure\"[^}]*} [1-9].*"));
      assertThat(get(p.admin().port(), "/metrics")).containsPattern("paved_slo_rules_publish_total\\{[^}]*outcome=\"failure\"[^}]*} [1-9]");
      assertThat(get(p.admin().port(), "/health/ready")).contains("UP");
    }
  }
}
