package dev.paved.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.ConfigException;
import dev.paved.core.PlatformConfig;
import dev.paved.core.ServiceDescriptor;
import dev.paved.slo.internal.PrometheusRules;
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
                "platform.slo.objectives.latency.threshold", "250ms",
                "platform.observability.http.routes", "/api/orders/{id},/api/orders")));
  }

  /** Every kind: availability, latency at 300 ms (not a standard bucket), messaging and freshness. */
  static List<Slo> allKinds() {
    return Slo.fromConfig(
        PlatformConfig.of(
            Map.ofEntries(
                Map.entry("platform.observability.http.routes", "/api/orders/{id},/api/orders"),
                Map.entry("platform.slo.objectives.availability.kind", "availability"),
                Map.entry("platform.slo.objectives.availability.objective", "99.9"),
                Map.entry("platform.slo.objectives.latency.kind", "latency"),
                Map.entry("platform.slo.objectives.latency.objective", "99"),
                Map.entry("platform.slo.objectives.latency.route", "/api/orders/{id}"),
                Map.entry("platform.slo.objectives.latency.threshold", "300ms"),
                Map.entry("platform.slo.objectives.events.kind", "messaging"),
                Map.entry("platform.slo.objectives.events.objective", "99.5"),
                Map.entry("platform.slo.objectives.events.destination", "order-events"),
                Map.entry("platform.slo.objectives.nightly.kind", "freshness"),
                Map.entry("platform.slo.objectives.nightly.objective", "99"),
                Map.entry("platform.slo.objectives.nightly.job", "nightly-report"),
                Map.entry("platform.slo.objectives.nightly.max-age", "30m"))));
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
                        Map.ofEntries(
                            Map.entry("platform.observability.http.routes", "/api/orders/{id}"),
                            Map.entry("platform.slo.objectives.a.kind", "availability"),
                            Map.entry("platform.slo.objectives.a.objective", "100"),
                            Map.entry("platform.slo.objectives.b.kind", "latency"),
                            Map.entry("platform.slo.objectives.b.objective", "99"),
                            Map.entry("platform.slo.objectives.b.threshold", "2m"),
                            Map.entry("platform.slo.objectives.b.window", "90d"),
                            Map.entry("platform.slo.objectives.c.kind", "uptime"),
                            Map.entry("platform.slo.objectives.c.objective", "99"),
                            Map.entry("platform.slo.objectives.d.kind", "availability"),
                            Map.entry("platform.slo.objectives.d.objective", "99"),
                            Map.entry("platform.slo.objectives.d.route", "/api/order/{id}"),
                            Map.entry("platform.slo.objectives.e.kind", "latency"),
                            Map.entry("platform.slo.objectives.e.objective", "99"),
                            Map.entry("platform.slo.objectives.e.threshold", "0ms"),
                            Map.entry("platform.slo.objectives.f.kind", "freshness"),
                            Map.entry("platform.slo.objectives.f.objective", "99"),
                            Map.entry("platform.slo.objectives.f.threshold", "1s"),
                            Map.entry("platform.slo.objectives.g.kind", "latency"),
                            Map.entry("platform.slo.objectives.g.objective", "99.9"),
                            Map.entry("platform.slo.objectives.g.threshold", "soon")))))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.getMessage())
                    .contains("SLO 'a': objective '100' is not strictly between 0 and 100")
                    .contains("latency SLO 'b': threshold 2m is above 60s")
                    .contains("use whole milliseconds from 1ms to 60s, such as 300ms")
                    .contains("SLO 'b': unknown window '90d'")
                    .contains("SLO 'c': unknown kind 'uptime'")
                    .contains("use availability, latency, messaging or freshness")
                    .contains("SLO 'd': unknown route '/api/order/{id}'")
                    .contains("use one of the routes declared in platform.observability.http.routes: /api/orders/{id}")
                    .contains("latency SLO 'e': threshold 0ms is not positive")
                    .contains("freshness SLO 'f' takes no threshold")
                    .contains("freshness SLO 'f' names no job")
                    .contains("freshness SLO 'f' has no max-age")
                    .contains("latency SLO 'g': threshold 'soon' is not a duration"));

    assertThatThrownBy(
            () ->
                Slo.fromConfig(
                    PlatformConfig.of(
                        Map.of(
                            "platform.slo.objectives.a.kind", "availability",
                            "platform.slo.objectives.a.objective", "99",
                            "platform.slo.objectives.a.route", "/api/orders/{id}"))))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.getMessage())
                    .contains("SLO 'a' covers route '/api/orders/{id}', but the service declares no routes")
                    .contains("list the service's route templates in platform.observability.http.routes"));
  }

  @Test
  void aThresholdBetweenStandardBucketsIsAcceptedAndQueriedAsTheBoundaryTheServiceExports() {
    Slo latency = allKinds().stream().filter(s -> s.kind() == Slo.Kind.LATENCY).findFirst().orElseThrow();
    assertThat(latency.threshold()).isEqualTo(Duration.ofMillis(300));
    assertThat(Slo.thresholds(allKinds())).containsExactly(Duration.ofMillis(300));
    assertThat(PrometheusRules.errorRatio(orders(), latency, "5m")).contains("le=\"0.3\"");
    assertThat(PrometheusRules.le(Duration.ofSeconds(1))).isEqualTo("1.0");
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
            "(sum(rate(http_server_request_duration_seconds_count{service_name=\"orders\",http_response_status_code=~\"5..\"}[1h])) or vector(0))"
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
        .as("each alert links to its section of the generated runbook")
        .contains("\"runbook_url\":\"https://runbooks.acme.dev/orders#slo-availability-page\"")
        .contains("\"runbook_url\":\"https://runbooks.acme.dev/orders#slo-latency-ticket\"");
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
    Path rules = Files.writeString(dir.resolve("orders-slo.rules.yml"), PrometheusRules.rulesFile(orders(), allKinds()));
    assertThat(run("promtool", "check", "rules", rules.toString())).contains("SUCCESS");
    Path tests = dir.resolve("orders-slo.test.yml");
    Files.writeString(tests, unitTests(rules.getFileName().toString()));
    String out = run("promtool", "test", "rules", tests.toString());
    assertThat(out).contains("SUCCESS");
  }

  private static final String OK = "http_server_request_duration_seconds_count{service_name=\"orders\",http_route=\"/api/orders/{id}\",http_response_status_code=\"200\"}";
  private static final String BAD = "http_server_request_duration_seconds_count{service_name=\"orders\",http_route=\"/api/orders/{id}\",http_response_status_code=\"503\"}";

  /** One promtool test case: input series (name, values) and the alerts expected at times. */
  private static String testCase(List<String[]> series, String alerts) {
    StringBuilder sb = new StringBuilder("  - interval: 1m\n    input_series:\n");
    for (String[] s : series) {
      sb.append("      - series: '").append(s[0]).append("'\n        values: '").append(s[1]).append("'\n");
    }
    return sb.append("    alert_rule_test:\n").append(alerts).toString();
  }

  /** An expected alert check: none ({@code firing} empty) or exactly the given burn windows. */
  private static String expect(String evalTime, String alertname, String slo, String objective, String... firing) {
    StringBuilder sb = new StringBuilder("      - eval_time: ").append(evalTime).append("\n        alertname: ").append(alertname).append("\n        exp_alerts:");
    if (firing.length == 0) {
      return sb.append(" []\n").toString();
    }
    sb.append("\n");
    for (String window : firing) {
      String factor = switch (window) {
        case "1h/5m" -> "14.4";
        case "6h/30m" -> "6";
        case "1d/2h" -> "3";
        default -> "1";
      };
      String[] w = window.split("/");
      sb.append("          - exp_labels:\n")
          .append("              severity: ").append(alertname.endsWith("Page") ? "page" : "ticket").append("\n")
          .append("              slo: orders-").append(slo).append("\n")
          .append("              service: orders\n")
          .append("              team: team-checkout\n")
          .append("              burn_window: ").append(window).append("\n")
          .append("            exp_annotations:\n")
          .append("              summary: orders is burning the error budget of SLO ").append(slo).append(" (").append(objective).append(" over 30d) ")
          .append(factor).append("x too fast (").append(w[0]).append(" and ").append(w[1]).append(" windows)\n")
          .append("              runbook_url: https://runbooks.acme.dev/orders#slo-").append(slo).append("-").append(alertname.endsWith("Page") ? "page" : "ticket").append("\n")
          .append("              dashboard: https://grafana.acme.dev/d/orders\n");
    }
    return sb.toString();
  }

  /**
   * Synthetic series, one sample a minute, against the availability SLO (99.9%: thresholds 1.44%,
   * 0.6%, 0.3% and 0.1% of requests bad for the four pairs), each pair firing alone at an error
   * ratio between its threshold and the next one's, after its "for"; messaging and freshness SLOs;
   * and the silent cases: a ratio below every threshold, and no traffic at all (the ratio is not a
   * number, never above a threshold).
   */
  private static String unitTests(String rulesFile) {
    String bucket = "http_server_request_duration_seconds_bucket{service_name=\"orders\",http_route=\"/api/orders/{id}\",http_response_status_code=\"200\",le=\"0.3\"}";
    String msgOk = "messaging_process_duration_seconds_count{service_name=\"orders\",messaging_destination_name=\"order-events\",error_type=\"\"}";
    String msgBad = "messaging_process_duration_seconds_count{service_name=\"orders\",messaging_destination_name=\"order-events\",error_type=\"java.io.IOException\"}";
    String job = "paved_job_last_success_timestamp_seconds{service_name=\"orders\",job_name=\"nightly-report\"}";
    StringBuilder sb = new StringBuilder("rule_files:\n  - " + rulesFile + "\nevaluation_interval: 1m\ntests:\n");
    // 1h/5m: a healthy hour (0.5% bad), then 10% bad: silent two minutes in, firing ten minutes in
    // (the 1h ratio crosses 1.44% after six minutes, then two minutes of "for").
    sb.append(testCase(
        List.of(new String[] {OK, "0+597x60 35820+540x120"}, new String[] {BAD, "0+3x60 180+60x120"}, new String[] {bucket, "0+597x60 35820+540x120"}),
        expect("62m", "SloBurnRatePage", "availability", "99.9%") + expect("70m", "SloBurnRatePage", "availability", "99.9%", "1h/5m")));
    // 6h/30m alone: 1% bad (above 0.6%, below 1.44%); firing after 15 minutes of "for".
    sb.append(testCase(
        List.of(new String[] {OK, "0+594x70"}, new String[] {BAD, "0+6x70"}),
        expect("10m", "SloBurnRatePage", "availability", "99.9%") + expect("60m", "SloBurnRatePage", "availability", "99.9%", "6h/30m")));
    // 1d/2h alone: 0.5% bad (above 0.3%, below 0.6%); a ticket after an hour of "for".
    sb.append(testCase(
        List.of(new String[] {OK, "0+597x160"}, new String[] {BAD, "0+3x160"}),
        expect("150m", "SloBurnRatePage", "availability", "99.9%") + expect("150m", "SloBurnRateTicket", "availability", "99.9%", "1d/2h")));
    // 3d/6h alone: 0.2% bad (above 0.1%, below 0.3%); a ticket after three hours of "for".
    sb.append(testCase(
        List.of(new String[] {OK, "0+1497x210"}, new String[] {BAD, "0+3x210"}),
        expect("120m", "SloBurnRateTicket", "availability", "99.9%") + expect("200m", "SloBurnRateTicket", "availability", "99.9%", "3d/6h")
            + expect("200m", "SloBurnRatePage", "availability", "99.9%")));
    // Silent: 0.05% bad, below every threshold.
    sb.append(testCase(
        List.of(new String[] {OK, "0+5997x180"}, new String[] {BAD, "0+3x180"}),
        expect("170m", "SloBurnRatePage", "availability", "99.9%") + expect("170m", "SloBurnRateTicket", "availability", "99.9%")));
    // A service that never answered 5xx has no 5xx series: its error ratio is 0, not absent.
    sb.append("  - interval: 1m\n    input_series:\n      - series: '" + OK + "'\n        values: '0+600x10'\n")
        .append("    promql_expr_test:\n      - expr: slo:sli_error:ratio_rate5m{slo=\"orders-availability\"}\n        eval_time: 10m\n")
        .append("        exp_samples:\n          - labels: 'slo:sli_error:ratio_rate5m{slo=\"orders-availability\",service=\"orders\"}'\n            value: 0\n");
    // Silent: no traffic.
    sb.append(testCase(
        List.<String[]>of(new String[] {OK, "0x180"}),
        expect("170m", "SloBurnRatePage", "availability", "99.9%") + expect("170m", "SloBurnRateTicket", "availability", "99.9%")));
    // Latency at 300 ms: 20% of requests slower (budget 1%: 20x) pages on 1h/5m.
    sb.append(testCase(
        List.of(new String[] {OK, "0+600x80"}, new String[] {bucket, "0+480x80"}),
        expect("70m", "SloBurnRatePage", "latency", "99%", "1h/5m", "6h/30m")));
    // Messaging: 10% of messages fail (budget 0.5%: 20x).
    sb.append(testCase(
        List.of(new String[] {msgOk, "0+540x80"}, new String[] {msgBad, "0+60x80"}),
        expect("70m", "SloBurnRatePage", "events", "99.5%", "1h/5m", "6h/30m")));
    // Freshness: a job that succeeds every minute stays fresh...
    sb.append(testCase(List.<String[]>of(new String[] {job, "0+60x180"}), expect("170m", "SloBurnRatePage", "nightly", "99%") + expect("170m", "SloBurnRateTicket", "nightly", "99%")));
    // ...one that last succeeded at 0 is stale from 30 minutes: pages once the stale minutes pass
    // 14.4% of the hour (1h/5m at 0.144) and 6% of the 6 hours (only 50 minutes of data yet), not
    // before.
    sb.append(testCase(
        List.<String[]>of(new String[] {job, "0x120"}),
        expect("35m", "SloBurnRatePage", "nightly", "99%") + expect("50m", "SloBurnRatePage", "nightly", "99%", "1h/5m", "6h/30m")));
    return sb.toString();
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
