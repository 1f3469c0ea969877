package dev.paved.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.ConfigException;
import dev.paved.core.PlatformConfig;
import dev.paved.core.ServiceDescriptor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated rules pass Prometheus' own {@code promtool check rules}, and {@code promtool test
 * rules} feeds synthetic series to show each alert pair fires when the budget burns fast enough and
 * stays silent otherwise, including with no traffic. {@code .ci/run} installs promtool (Debian's
 * prometheus package); without it these tests fail rather than pass unchecked.
 */
class PrometheusRulesTest {
  @TempDir Path dir;

  static ServiceDescriptor orders() {
    return ServiceDescriptor.builder("orders")
        .owner("team-checkout")
        .link("runbook", URI.create("https://runbooks.acme.dev/orders"))
        .link("dashboard", URI.create("https://grafana.acme.dev/d/orders"))
        .build();
  }

  static List<Slo> slos() {
    return Slo.fromConfig(
        PlatformConfig.of(
            Map.of(
                "platform.slo.objectives.availability.kind", "availability",
                "platform.slo.objectives.availability.objective", "99.9",
                "platform.slo.objectives.latency.kind", "latency",
                "platform.slo.objectives.latency.objective", "99",
                "platform.slo.objectives.latency.route", "/api/orders/{id}",
                "platform.slo.objectives.latency.threshold", "250ms")));
  }

  @Test
  void sloDeclarationsAreReadAndBadOnesAreRefusedNamingTheSloAndTheFix() {
    List<Slo> slos = slos();
    assertThat(slos).extracting(Slo::name).containsExactlyInAnyOrder("availability", "latency");
    Slo latency = slos.stream().filter(s -> s.name().equals("latency")).findFirst().orElseThrow();
    assertThat(latency.objective()).isEqualTo(0.99);
    assertThat(latency.window()).isEqualTo(Slo.Window.D30);
    assertThat(latency.threshold()).isEqualTo(Duration.ofMillis(250));

    assertThatThrownBy(
            () ->
                Slo.fromConfig(
                    PlatformConfig.of(
                        Map.of(
                            "platform.slo.objectives.a.kind", "availability",
                            "platform.slo.objectives.a.objective", "100",
                            "platform.slo.objectives.b.kind", "latency",
                            "platform.slo.objectives.b.objective", "99",
                            "platform.slo.objectives.b.threshold", "300ms",
                            "platform.slo.objectives.b.window", "90d",
                            "platform.slo.objectives.c.kind", "freshness",
                            "platform.slo.objectives.c.objective", "99"))))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.getMessage())
                    .contains("SLO 'a': objective '100' is not strictly between 0 and 100")
                    .contains("latency SLO 'b': 300ms is not a bucket boundary")
                    .contains("use one of 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5")
                    .contains("SLO 'b': unknown window '90d'")
                    .contains("SLO 'c': unknown kind 'freshness'"));
  }

  @Test
  void theRulesQueryTheExportedSeriesWithTheWorkbookFactors() throws Exception {
    com.fasterxml.jackson.databind.JsonNode root =
        new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(PrometheusRules.rulesFile(orders(), slos()));
    List<String> exprs = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    root.path("groups").forEach(g -> g.path("rules").forEach(r -> {
      exprs.add(r.path("expr").asText());
      labels.add(r.path("labels").toString() + r.path("annotations").toString());
    }));
    assertThat(exprs)
        .contains(
            "sum(rate(http_server_request_duration_seconds_count{service_name=\"orders\",http_response_status_code=~\"5..\"}[1h]))"
                + " / sum(rate(http_server_request_duration_seconds_count{service_name=\"orders\"}[1h]))")
        .contains(
            "(sum(rate(http_server_request_duration_seconds_count{service_name=\"orders\",http_route=\"/api/orders/{id}\"}[5m]))"
                + " - sum(rate(http_server_request_duration_seconds_bucket{service_name=\"orders\",http_route=\"/api/orders/{id}\",le=\"0.25\"}[5m])))"
                + " / sum(rate(http_server_request_duration_seconds_count{service_name=\"orders\",http_route=\"/api/orders/{id}\"}[5m]))")
        .contains("slo:sli_error:ratio_rate1h{slo=\"orders-availability\"} > 0.0144 and slo:sli_error:ratio_rate5m{slo=\"orders-availability\"} > 0.0144")
        .contains("slo:sli_error:ratio_rate6h{slo=\"orders-availability\"} > 0.006 and slo:sli_error:ratio_rate30m{slo=\"orders-availability\"} > 0.006")
        .contains("slo:sli_error:ratio_rate1d{slo=\"orders-latency\"} > 0.03 and slo:sli_error:ratio_rate2h{slo=\"orders-latency\"} > 0.03")
        .contains("slo:sli_error:ratio_rate3d{slo=\"orders-availability\"} > 0.001 and slo:sli_error:ratio_rate6h{slo=\"orders-availability\"} > 0.001");
    assertThat(String.join("\n", labels))
        .contains("\"severity\":\"page\"")
        .contains("\"severity\":\"ticket\"")
        .contains("\"team\":\"team-checkout\"")
        .contains("\"runbook_url\":\"https://runbooks.acme.dev/orders\"");
  }

  @Test
  void thePrometheusRuleResourceCarriesTheSameGroups() throws Exception {
    var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
    com.fasterxml.jackson.databind.JsonNode resource = yaml.readTree(PrometheusRules.prometheusRule(orders(), slos()));
    com.fasterxml.jackson.databind.JsonNode file = yaml.readTree(PrometheusRules.rulesFile(orders(), slos()));
    assertThat(resource.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(resource.path("kind").asText()).isEqualTo("PrometheusRule");
    assertThat(resource.path("metadata").path("name").asText()).isEqualTo("orders-slo");
    assertThat(resource.path("metadata").path("labels").path("team").asText()).isEqualTo("team-checkout");
    assertThat(resource.path("spec").path("groups")).isEqualTo(file.path("groups"));
    assertThat(file.path("groups")).hasSize(4);
  }

  @Test
  void promtoolAcceptsTheRulesAndItsUnitTestsShowWhenEachAlertFires() throws Exception {
    Path rules = Files.writeString(dir.resolve("orders-slo.rules.yml"), PrometheusRules.rulesFile(orders(), slos()));
    assertThat(run("promtool", "check", "rules", rules.toString())).contains("SUCCESS");
    Path tests = dir.resolve("orders-slo.test.yml");
    Files.writeString(tests, unitTests(rules.getFileName().toString()));
    String out = run("promtool", "test", "rules", tests.toString());
    assertThat(out).contains("SUCCESS");
  }

  /**
   * Synthetic series, one sample a minute, 600 requests a minute. A healthy hour (0.5% errors),
   * then 10% errors: the fast page (1h and 5m above 1.44%) is silent two minutes in and fires ten
   * minutes in (the 1h ratio crosses after six minutes, then two minutes of "for"), while the 6h/30m
   * page is still pending; with 0.05% errors nothing fires; with no traffic at all nothing fires
   * (the ratio is not a number, never above a threshold).
   */
  private static String unitTests(String rulesFile) {
    String ok = "http_server_request_duration_seconds_count{service_name=\"orders\",http_route=\"/api/orders/{id}\",http_response_status_code=\"200\"}";
    String bad = "http_server_request_duration_seconds_count{service_name=\"orders\",http_route=\"/api/orders/{id}\",http_response_status_code=\"503\"}";
    String bucket = "http_server_request_duration_seconds_bucket{service_name=\"orders\",http_route=\"/api/orders/{id}\",http_response_status_code=\"200\",le=\"0.25\"}";
    return """
        rule_files:
          - %s
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: '%s'
                values: '0+597x60 35820+540x120'
              - series: '%s'
                values: '0+3x60 180+60x120'
              - series: '%s'
                values: '0+597x60 35820+540x120'
            alert_rule_test:
              - eval_time: 62m
                alertname: SloBurnRatePage
                exp_alerts: []
              - eval_time: 70m
                alertname: SloBurnRatePage
                exp_alerts:
                  - exp_labels:
                      severity: page
                      slo: orders-availability
                      service: orders
                      team: team-checkout
                      burn_window: 1h/5m
                    exp_annotations:
                      summary: orders is burning the error budget of SLO availability (99.9%% over 30d) 14.4x too fast (1h and 5m windows)
                      runbook_url: https://runbooks.acme.dev/orders
                      dashboard: https://grafana.acme.dev/d/orders
          - interval: 1m
            input_series:
              - series: '%s'
                values: '0+5997x180'
              - series: '%s'
                values: '0+3x180'
            alert_rule_test:
              - eval_time: 170m
                alertname: SloBurnRatePage
                exp_alerts: []
              - eval_time: 170m
                alertname: SloBurnRateTicket
                exp_alerts: []
          - interval: 1m
            input_series:
              - series: '%s'
                values: '0x180'
            alert_rule_test:
              - eval_time: 170m
                alertname: SloBurnRatePage
                exp_alerts: []
              - eval_time: 170m
                alertname: SloBurnRateTicket
                exp_alerts: []
        """
        .formatted(rulesFile, ok, bad, bucket, ok, bad, ok);
  }

  private String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = String.join("\n", lines);
    assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
    return out;
  }
}
