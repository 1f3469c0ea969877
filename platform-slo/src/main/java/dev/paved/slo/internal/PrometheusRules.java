package dev.paved.slo.internal;

import dev.paved.slo.Slo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paved.core.ServiceDescriptor;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Prometheus recording rules and multi-window multi-burn-rate alerts for a service's SLOs, in the
 * method of the Google SRE Workbook (chapter "Alerting on SLOs"): page when 2% of a 30-day budget
 * burns in an hour (1h and 5m windows, 14.4x) or 5% in six hours (6h and 30m, 6x); open a ticket
 * when 10% burns in a day (1d and 2h, 3x) or in three days (3d and 6h, 1x). For 28- and 7-day
 * windows the factors scale with the window. They query exactly the series platform-observability
 * exports: {@code http_server_request_duration_seconds_count} and {@code _bucket} (with its {@code
 * service_name}, {@code http_route} and {@code http_response_status_code} labels), {@code
 * messaging_process_duration_seconds_count} (with {@code messaging_destination_name} and {@code
 * error_type}) and {@code paved_job_last_success_timestamp_seconds} (with {@code job_name}).
 *
 * <p>Internal: not for public use; the Maven plugin ({@code paved:slo}) writes these files.
 */
public final class PrometheusRules {
  /** The recording windows. */
  static final List<String> WINDOWS = List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d");

  /** One alert pair: long and short window, share of budget it stands for, how long it covers. */
  public record Pair(String severity, String longWindow, String shortWindow, double budgetShare, double hours, String forDuration) {
    /** The burn-rate factor for an SLO window of {@code days}: 14.4 for 2% in 1h of 30 days. */
    public double factor(int days) {
      return budgetShare * days * 24 / hours;
    }
  }

  /** The alerts: the same pairs the rules, the runbook and the admin console use. */
  public static final List<Pair> PAIRS =
      List.of(
          new Pair("page", "1h", "5m", 0.02, 1, "2m"),
          new Pair("page", "6h", "30m", 0.05, 6, "15m"),
          new Pair("ticket", "1d", "2h", 0.10, 24, "1h"),
          new Pair("ticket", "3d", "6h", 0.10, 72, "3h"));

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private PrometheusRules() {}

  /** The rules file ({@code groups:}) for {@code slos} of service {@code d}. */
  public static String rulesFile(ServiceDescriptor d, List<Slo> slos) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.set("groups", groups(d, slos));
    return yaml(root);
  }

  /**
   * The same rules as a Prometheus Operator {@code PrometheusRule} resource
   * ({@code monitoring.coreos.com/v1}), labelled with the service and the team.
   */
  public static String prometheusRule(ServiceDescriptor d, List<Slo> slos) {
    return dev.paved.core.internal.YamlWriter.write(prometheusRuleDocument(d, slos, null));
  }

  /** The {@code PrometheusRule} as a document, in {@code namespace} when given (the deploy goal's). */
  @SuppressWarnings("unchecked")
  public static java.util.Map<String, Object> prometheusRuleDocument(ServiceDescriptor d, List<Slo> slos, @org.jspecify.annotations.Nullable String namespace) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("apiVersion", "monitoring.coreos.com/v1");
    root.put("kind", "PrometheusRule");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", d.name() + "-slo");
    if (namespace != null) {
      metadata.put("namespace", namespace);
    }
    ObjectNode labels = metadata.putObject("labels");
    labels.put("app.kubernetes.io/name", d.name());
    labels.put("team", d.owner().orElse("unknown"));
    labels.put("paved.dev/generated", "slo");
    root.putObject("spec").set("groups", groups(d, slos));
    return JSON.convertValue(root, java.util.LinkedHashMap.class);
  }

  private static String yaml(ObjectNode root) {
    return dev.paved.core.internal.YamlWriter.write(JSON.convertValue(root, Object.class));
  }

  private static ArrayNode groups(ServiceDescriptor d, List<Slo> slos) {
    ArrayNode groups = JsonNodeFactory.instance.arrayNode();
    for (Slo slo : slos) {
      String id = d.name() + "-" + slo.name();
      ObjectNode recording = groups.addObject();
      recording.put("name", "slo:" + id + ":recording");
      ArrayNode rules = recording.putArray("rules");
      for (String w : WINDOWS) {
        ObjectNode r = rules.addObject();
        r.put("record", "slo:sli_error:ratio_rate" + w);
        r.put("expr", errorRatio(d, slo, w));
        ObjectNode labels = r.putObject("labels");
        labels.put("slo", id);
        labels.put("service", d.name());
      }
      ObjectNode alerting = groups.addObject();
      alerting.put("name", "slo:" + id + ":alerts");
      ArrayNode alerts = alerting.putArray("rules");
      for (Pair p : PAIRS) {
        double threshold = p.factor(slo.window().days()) * slo.errorBudget();
        ObjectNode a = alerts.addObject();
        a.put("alert", "SloBurnRate" + capitalize(p.severity()));
        a.put(
            "expr",
            "slo:sli_error:ratio_rate" + p.longWindow() + "{slo=\"" + id + "\"} > " + number(threshold)
                + " and slo:sli_error:ratio_rate" + p.shortWindow() + "{slo=\"" + id + "\"} > " + number(threshold));
        a.put("for", p.forDuration());
        ObjectNode labels = a.putObject("labels");
        labels.put("severity", p.severity());
        labels.put("slo", id);
        labels.put("service", d.name());
        labels.put("team", d.owner().orElse("unknown"));
        labels.put("burn_window", p.longWindow() + "/" + p.shortWindow());
        ObjectNode ann = a.putObject("annotations");
        ann.put(
            "summary",
            d.name() + " is burning the error budget of SLO " + slo.name() + " (" + number(slo.objective() * 100) + "% over " + slo.window().label() + ") "
                + number(p.factor(slo.window().days())) + "x too fast (" + p.longWindow() + " and " + p.shortWindow() + " windows)");
        URI runbook = d.links().get("runbook");
        if (runbook != null && runbook.getFragment() == null) {
          // The alert's own section of the generated runbook (Runbook's headings).
          ann.put("runbook_url", runbook + "#slo-" + slo.name() + "-" + p.severity());
        } else if (runbook != null) {
          ann.put("runbook_url", runbook.toString());
        }
        URI dashboard = d.links().get("dashboard");
        if (dashboard != null) {
          ann.put("dashboard", dashboard.toString());
        }
      }
    }
    return groups;
  }

  /** The share of bad events over window {@code w}. */
  public static String errorRatio(ServiceDescriptor d, Slo slo, String w) {
    if (slo.kind() == Slo.Kind.FRESHNESS) {
      // One sample a minute: 1 when the job's last success (on any instance) is older than the
      // max age. Averaged over the window, it is the share of stale minutes.
      long maxAge = java.util.Objects.requireNonNull(slo.threshold()).toSeconds();
      return "avg_over_time(((time() - max(paved_job_last_success_timestamp_seconds{service_name=\"" + d.name() + "\",job_name=\"" + slo.job() + "\"})) > bool " + maxAge + ")[" + w + ":1m])";
    }
    String[] q = badAndTotal(d, slo, series -> "rate(" + series + "[" + w + "])");
    return "(" + q[0] + ") / " + q[1];
  }

  /**
   * For counter-based SLIs (all but freshness): the PromQL of bad and total events as raw counter
   * sums, for OpenSLO's ratio metric.
   */
  static String[] badAndTotal(ServiceDescriptor d, Slo slo) {
    return badAndTotal(d, slo, series -> series);
  }

  /**
   * Bad and total events of a counter-based SLI, each a sum of {@code over} applied to the series
   * it reads: {@code rate(…[w])} in the rules, the raw counter in OpenSLO. "or vector(0)": a service
   * that never failed has no bad series, and the bad count must be 0 rather than absent; without
   * any traffic the total is absent, and so is the ratio (never an alarm).
   */
  private static String[] badAndTotal(ServiceDescriptor d, Slo slo, java.util.function.UnaryOperator<String> over) {
    String service = "service_name=\"" + d.name() + "\"";
    switch (slo.kind()) {
      case MESSAGING -> {
        String selector = service + (slo.destination() == null ? "" : ",messaging_destination_name=\"" + slo.destination() + "\"");
        return new String[] {
          "sum(" + over.apply("messaging_process_duration_seconds_count{" + selector + ",error_type!=\"\"}") + ") or vector(0)",
          "sum(" + over.apply("messaging_process_duration_seconds_count{" + selector + "}") + ")"
        };
      }
      case AVAILABILITY, LATENCY -> {
        String selector = service + (slo.route() == null ? "" : ",http_route=\"" + slo.route() + "\"");
        String total = "sum(" + over.apply("http_server_request_duration_seconds_count{" + selector + "}") + ")";
        if (slo.kind() == Slo.Kind.AVAILABILITY) {
          return new String[] {"sum(" + over.apply("http_server_request_duration_seconds_count{" + selector + ",http_response_status_code=~\"5..\"}") + ") or vector(0)", total};
        }
        String le = le(java.util.Objects.requireNonNull(slo.threshold()));
        return new String[] {total + " - sum(" + over.apply("http_server_request_duration_seconds_bucket{" + selector + ",le=\"" + le + "\"}") + ")", total};
      }
      default -> throw new IllegalArgumentException("no counters for " + slo.kind().id());
    }
  }

  /** A bucket boundary as the Prometheus text format writes it ({@code Double.toString}: 0.25, 1.0). */
  public static String le(java.time.Duration threshold) {
    return Double.toString(threshold.toNanos() / 1e9);
  }

  private static String capitalize(String s) {
    return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }

  /** A number as Prometheus and people read it: no exponent, no trailing zeros. */
  public static String number(double v) {
    String s = new java.math.BigDecimal(Double.toString(v)).setScale(8, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    return s;
  }
}
