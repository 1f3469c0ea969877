package dev.paved.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.paved.core.Platform;
import dev.paved.test.TestPlatforms;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Registration against an HTTP-level fake of Backstage's documented catalog API (no Backstage
 * runs here): {@code POST /api/catalog/locations} answering 201 with the location and its
 * entities, 409 for an existing location, 400 with Backstage's error body, 401, or nothing.
 */
class CatalogRegistrationTest {
  private static final String TOKEN = "backstage-token-5e2f9a";
  private static final String TARGET = "https://github.com/acme/orders/blob/main/catalog-info.yaml";
  private HttpServer server;
  private final AtomicInteger locationsStatus = new AtomicInteger(201);
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile boolean hang;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext(
        "/api/catalog/",
        ex -> {
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("Authorization") + " " + body);
          if (hang) {
            try {
              Thread.sleep(5_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          String path = ex.getRequestURI().getPath();
          int status;
          String answer;
          if (path.equals("/api/catalog/locations")) {
            status = locationsStatus.get();
            answer =
                switch (status) {
                  case 201, 200 -> "{\"location\":{\"id\":\"b1\",\"type\":\"url\",\"target\":\"" + TARGET + "\"},"
                      + "\"entities\":[{\"apiVersion\":\"backstage.io/v1alpha1\",\"kind\":\"Component\",\"metadata\":{\"name\":\"orders\",\"namespace\":\"default\"}}]}";
                  case 409 -> "{\"error\":{\"name\":\"ConflictError\",\"message\":\"Location url:" + TARGET + " already exists\"}}";
                  case 400 -> "{\"error\":{\"name\":\"InputError\",\"message\":\"Policy check failed; caused by Error: \\\"metadata.name\\\" is not valid\"}}";
                  default -> "{\"error\":{\"name\":\"AuthenticationError\",\"message\":\"Missing credentials\"}}";
                };
          } else if (path.equals("/api/catalog/validate-entity")) {
            boolean valid = body.contains("\"name\":\"orders\"") && body.contains("\"location\":\"url:");
            status = valid ? 200 : 400;
            answer = valid ? "{}" : "{\"error\":{\"name\":\"InputError\",\"message\":\"Malformed entity: metadata.name is invalid\"}}";
          } else if (path.equals("/api/catalog/refresh")) {
            status = 200;
            answer = "";
          } else {
            status = 404;
            answer = "{}";
          }
          byte[] b = answer.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
          if (b.length > 0) {
            ex.getResponseBody().write(b);
          }
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private CatalogClient client(Duration timeout) {
    return new CatalogClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), TOKEN, timeout, dev.paved.core.Redaction.create());
  }

  @Test
  void registersTheLocationWithABearerTokenAndReportsItsEntities() throws Exception {
    CatalogClient.Registration r = client(Duration.ofSeconds(5)).register(TARGET, false, "component:default/orders");
    assertThat(r.outcome()).isEqualTo("registered");
    assertThat(r.entities()).containsExactly("Component:default/orders");
    assertThat(requests).singleElement().asString()
        .startsWith("POST /api/catalog/locations Bearer " + TOKEN)
        .endsWith("{\"type\":\"url\",\"target\":\"" + TARGET + "\"}");
  }

  @Test
  void aDryRunAsksForOne() throws Exception {
    locationsStatus.set(200);
    assertThat(client(Duration.ofSeconds(5)).register(TARGET, true, "component:default/orders").outcome()).isEqualTo("dry-run");
    assertThat(requests.get(0)).startsWith("POST /api/catalog/locations?dryRun=true ");
  }

  @Test
  void anExistingLocationIsRefreshedInsteadOfFailing() throws Exception {
    locationsStatus.set(409);
    CatalogClient.Registration r = client(Duration.ofSeconds(5)).register(TARGET, false, "component:default/orders");
    assertThat(r.outcome()).isEqualTo("refreshed");
    assertThat(requests.get(1)).startsWith("POST /api/catalog/refresh Bearer ").endsWith("{\"entityRef\":\"component:default/orders\"}");
  }

  @Test
  void aRejectedEntityAndAMissingTokenAreClearErrorsWithoutTheToken() {
    locationsStatus.set(400);
    assertThatThrownBy(() -> client(Duration.ofSeconds(5)).register(TARGET, false, "component:default/orders"))
        .isInstanceOf(CatalogClient.CatalogRegistrationException.class)
        .hasMessageContaining("Backstage answered 400: Policy check failed")
        .hasMessageContaining("the entity or location is invalid")
        .hasMessageNotContaining(TOKEN);
    locationsStatus.set(401);
    assertThatThrownBy(() -> client(Duration.ofSeconds(5)).register(TARGET, false, "component:default/orders"))
        .hasMessageContaining("Backstage answered 401: Missing credentials")
        .hasMessageContaining("check the token")
        .hasMessageNotContaining(TOKEN);
  }

  @Test
  void validationAsksBackstageAndReportsItsMessage() throws Exception {
    var entities = CatalogEntities.generate(CatalogEntitiesTest.orders(), CatalogEntitiesTest.options());
    client(Duration.ofSeconds(5)).validate(entities.get(0), TARGET);
    assertThat(requests.get(0)).startsWith("POST /api/catalog/validate-entity Bearer " + TOKEN).contains("\"location\":\"url:" + TARGET + "\"");
    var broken = entities.get(0).deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken.path("metadata")).put("name", "not valid!");
    assertThatThrownBy(() -> client(Duration.ofSeconds(5)).validate(broken, TARGET))
        .hasMessageContaining("validation failed: Backstage answered 400: Malformed entity: metadata.name is invalid");
  }

  @Test
  void aBackstageThatDoesNotAnswerFailsWithinTheTimeout() {
    hang = true;
    long begin = System.nanoTime();
    assertThatThrownBy(() -> client(Duration.ofMillis(500)).register(TARGET, false, "component:default/orders"))
        .hasMessageContaining("did not answer within 500 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void atStartUpRegistrationRunsInTheBackgroundAndConformanceIsPublished() throws Exception {
    locationsStatus.set(503);
    try (Platform p =
        TestPlatforms.builder()
            .environment(Map.of("BACKSTAGE_TOKEN", TOKEN))
            .serviceName("orders")
            .property("platform.service.owner", "team-checkout")
            .property("platform.service.links.runbook", "https://runbooks.acme.dev/orders")
            .property("platform.catalog.register.on-start", "true")
            .property("platform.catalog.register.url", "http://127.0.0.1:" + server.getAddress().getPort())
            .property("platform.catalog.register.target", TARGET)
            .module(new CatalogModule())
            .start()) {
      // Start-up did not wait for Backstage, which is failing: retried in the background.
      await().atMost(Duration.ofSeconds(10)).until(() -> requests.size() >= 2);
      locationsStatus.set(201);
      await().atMost(Duration.ofSeconds(20)).until(() -> requests.stream().filter(r -> r.startsWith("POST /api/catalog/locations")).count() >= 3);
      String info =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin().port() + "/info")).build(), HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(info)
          .contains("\"conformance\":{\"owner-set\":true,\"runbook-linked\":true,\"slo-declared\":false")
          .contains("\"observability-active\":false")
          .contains("\"score\":0.6")
          .doesNotContain(TOKEN);
    }
  }
}
