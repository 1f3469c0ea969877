package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin endpoints over real HTTP on loopback. */
@Timeout(30)
class AdminServerTest {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Platform platform;

  @BeforeEach
  void start() {
    platform = TestPlatforms.isolated().property("platform.service.version", "1.4.2").start();
  }

  @AfterEach
  void stop() {
    platform.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + platform.admin().port() + path);
  }

  @Test
  void requestHeadersAboveTheBudgetAre431AndNoEndpointRuns() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    platform.admin().addEndpoint("/counted", r -> {
      calls.incrementAndGet();
      return AdminResponse.json(200, java.util.Map.of());
    });
    HttpResponse<String> big = send(HttpRequest.newBuilder(uri("/counted")).header("x-big", "b".repeat(AdminServer.MAX_HEADER_BYTES)).build());
    assertThat(big.statusCode()).isEqualTo(431);
    assertThat(big.body()).contains("request headers too large");
    assertThat(calls.get()).isZero();
    assertThat(send(HttpRequest.newBuilder(uri("/counted")).header("x-small", "b".repeat(1024)).build()).statusCode()).isEqualTo(200);
    assertThat(calls.get()).isEqualTo(1);
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void livenessAnswers200WithJson() throws Exception {
    HttpResponse<String> r = get("/health/live");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.body()).isEqualTo("{\"status\":\"UP\",\"checks\":[]}");
  }

  @Test
  void readinessListsEveryCheckAndAnswers503WhenOneIsDown() throws Exception {
    platform.health().register("db", HealthKind.READINESS, HealthResult::up);
    HttpResponse<String> up = get("/health/ready");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.body()).contains("\"name\":\"platform\",\"status\":\"UP\"").contains("\"name\":\"db\",\"status\":\"UP\"");

    platform.health().register("queue", HealthKind.READINESS, () -> HealthResult.down("broker unreachable"));
    HttpResponse<String> down = get("/health/ready");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body()).startsWith("{\"status\":\"DOWN\"").contains("\"reason\":\"broker unreachable\"");
  }

  @Test
  void readinessAnswers503DuringShutdown() throws Exception {
    platform.health().markStopping();
    HttpResponse<String> r = get("/health/ready");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("shutting down");
  }

  @Test
  void infoShowsDescriptorSdkVersionAndConfigVersion() throws Exception {
    HttpResponse<String> r = get("/info");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("\"name\":\"orders\"")
        .contains("\"version\":\"1.4.2\"")
        .contains("\"sdkVersion\":\"" + Platform.sdkVersion() + "\"")
        .containsPattern("\"config\":\\{\"version\":1,\"hash\":\"[0-9a-f]{64}\"}");
  }

  @Test
  void modulesAddEndpoints() throws Exception {
    platform.admin().addEndpoint("/custom", req -> AdminResponse.text(200, "text/plain", "hello " + req.queryParameter("who").orElse("?")));
    HttpResponse<String> r = get("/custom?who=paved");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello paved");
    assertThatThrownBy(() -> platform.admin().addEndpoint("/custom", req -> AdminResponse.json(200, null)))
        .hasMessageContaining("not yet taken");
    assertThat(platform.admin().paths()).contains("/custom", "/health/live", "/health/ready", "/info");
  }

  @Test
  void unknownPathIs404AndOtherMethodsAre405() throws Exception {
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/info")).POST(HttpRequest.BodyPublishers.ofString("x")).build());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void failingEndpointIs500WithoutDetails() throws Exception {
    platform.admin().addEndpoint("/boom", req -> { throw new IllegalStateException("secret detail"); });
    HttpResponse<String> r = get("/boom");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).doesNotContain("secret detail");
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void serverStopsWithThePlatform() {
    int port = platform.admin().port();
    platform.close();
    assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/info")).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
  }
}
