package dev.paved.slo;

import dev.paved.core.ConfigKey;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** The keys of platform-slo; see {@code docs/slo.md}. */
public final class SloSettings {
  private SloSettings() {}

  static final ConfigKey<String> KIND =
      ConfigKey.string("platform.slo.objectives.*.kind")
          .withDescription("availability (good = not 5xx), latency (good = at or under threshold), messaging (good = processed without error) or freshness (good = the job succeeded within max-age).");
  static final ConfigKey<String> OBJECTIVE =
      ConfigKey.string("platform.slo.objectives.*.objective").withDescription("The target, in percent, strictly between 0 and 100, such as 99.9.");
  static final ConfigKey<String> WINDOW =
      ConfigKey.string("platform.slo.objectives.*.window").withDescription("The rolling window: 30d (the default), 28d or 7d.");
  static final ConfigKey<String> ROUTE =
      ConfigKey.string("platform.slo.objectives.*.route")
          .withDescription("Availability and latency: only requests of this route template (one of platform.observability.http.routes); all routes when not set.");
  static final ConfigKey<Duration> THRESHOLD =
      ConfigKey.duration("platform.slo.objectives.*.threshold")
          .withDescription("Latency: the duration a good request is at or under, whole milliseconds from 1ms to 60s; it becomes a bucket boundary of http.server.request.duration.");
  static final ConfigKey<String> DESTINATION =
      ConfigKey.string("platform.slo.objectives.*.destination").withDescription("Messaging: only messages of this messaging.destination.name; all when not set.");
  static final ConfigKey<String> JOB =
      ConfigKey.string("platform.slo.objectives.*.job").withDescription("Freshness: the job.name of the scheduled job (Observability.jobs().run(name, ...)).");
  static final ConfigKey<Duration> MAX_AGE =
      ConfigKey.duration("platform.slo.objectives.*.max-age").withDescription("Freshness: the most time allowed since the job's last success, 1m up to the window.");
  static final ConfigKey<String> RULES_DIRECTORY =
      ConfigKey.string("platform.slo.publish.rules-directory")
          .withDescription("Where to write <service>-slo.rules.yml at start-up, in the background, for Prometheus' rule_files (a GitOps checkout or a shared volume); not published when not set.");
  static final ConfigKey<URI> RELOAD_URL =
      ConfigKey.uri("platform.slo.publish.reload-url")
          .withDescription("Prometheus' reload endpoint (http://prometheus:9090/-/reload, needs --web.enable-lifecycle), POSTed after the rules are written.");
  static final ConfigKey<Duration> PUBLISH_TIMEOUT =
      ConfigKey.duration("platform.slo.publish.timeout").withDefault("5s").withDescription("Connect and response timeout of the reload call.");

  /** Every key of the SLO module. */
  public static List<ConfigKey<?>> keys() {
    return List.of(KIND, OBJECTIVE, WINDOW, ROUTE, THRESHOLD, DESTINATION, JOB, MAX_AGE, RULES_DIRECTORY, RELOAD_URL, PUBLISH_TIMEOUT);
  }
}
