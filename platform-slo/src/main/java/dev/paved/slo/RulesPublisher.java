package dev.paved.slo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a service's SLO rules where Prometheus loads them: writes the rules file into a
 * directory (atomically, so Prometheus never reads half a file) and then, when configured, asks
 * Prometheus to reload ({@code POST /-/reload}, which needs {@code --web.enable-lifecycle}). Runs on
 * its own daemon thread and never blocks start-up: a failure is logged once, counted, and retried
 * ({@link dev.paved.core.internal.RetryInBackground}: 1 s doubling to 5 minutes) until both steps
 * succeed or the platform stops.
 */
final class RulesPublisher implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(RulesPublisher.class);

  private final String rules;
  private final Path file;
  private final @Nullable URI reloadUrl;
  private final Duration timeout;
  final AtomicLong successes = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  private volatile boolean closed;
  private @Nullable HttpClient http;

  RulesPublisher(String rules, Path directory, String serviceName, @Nullable URI reloadUrl, Duration timeout) {
    this.rules = rules;
    this.file = directory.resolve(serviceName + "-slo.rules.yml");
    this.reloadUrl = reloadUrl;
    this.timeout = timeout;
  }

  Path file() {
    return file;
  }

  /** One attempt: write the file, then reload. */
  void publishOnce() throws IOException, InterruptedException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(tmp, rules, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    URI reload = reloadUrl;
    if (reload != null) {
      HttpClient client = http;
      if (client == null) {
        client = HttpClient.newBuilder().connectTimeout(timeout).build();
        http = client;
      }
      HttpResponse<String> r =
            client.send(HttpRequest.newBuilder(reload).timeout(timeout).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        String body = r.body().strip();
        throw new IOException(
            "Prometheus answered " + r.statusCode() + " to " + reload + (body.isEmpty() ? "" : ": " + body.substring(0, Math.min(200, body.length())))
                  + (r.statusCode() == 403 ? " (is --web.enable-lifecycle set?)" : ""));
      }
    }
  }

  @Override
  public void run() {
    dev.paved.core.internal.RetryInBackground.untilDone(
        () -> {
          publishOnce();
          successes.incrementAndGet();
          LOG.info("Published the SLO rules to {}{}", file, reloadUrl == null ? "" : " and reloaded Prometheus");
        },
        () -> closed,
        (e, first) -> {
          failures.incrementAndGet();
          if (first) {
            LOG.warn("Publishing the SLO rules to {} failed ({}: {}); retrying with backoff, not logged again until it succeeds", file, e.getClass().getSimpleName(), e.getMessage());
          }
        });
  }

  void close() {
    closed = true;
  }
}
