package dev.paved.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.spring.slow.SlowStartApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Paved's readiness (what the generated manifests probe) waits for Spring's application to be ready. */
class SpringReadinessTest {
  @Test
  void readinessIsDownWhileTheContextIsStillStartingThenUp() throws Exception {
    int admin;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      admin = probe.getLocalPort();
    }
    URI ready = URI.create("http://127.0.0.1:" + admin + "/health/ready");
    HttpClient http = HttpClient.newHttpClient();
    CompletableFuture<ConfigurableApplicationContext> starting =
        CompletableFuture.supplyAsync(
            () ->
                new SpringApplicationBuilder(SlowStartApplication.class)
                    .run("--server.port=0", "--spring.application.name=orders-slow", "--platform.admin.port=" + admin, "--platform.shutdown.drain=0ms"));
    try {
      // The platform (and its admin port) is up while the context still starts.
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.body()).contains("\"service\"").contains("starting");
              });
      assertThat(starting).isNotDone();
    } finally {
      SlowStartApplication.RELEASE.countDown();
    }
    try (ConfigurableApplicationContext app = starting.get()) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200));
      assertThat(app.isActive()).isTrue();
    }
  }
}
