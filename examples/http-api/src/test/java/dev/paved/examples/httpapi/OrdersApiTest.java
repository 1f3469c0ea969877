package dev.paved.examples.httpapi;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.config.flags.TestFlags;
import dev.paved.config.secrets.TestSecrets;
import dev.paved.core.Platform;
import dev.paved.test.HttpStub;
import dev.paved.test.LogCapture;
import dev.paved.test.PavedExtension;
import dev.paved.test.PavedProperty;
import dev.paved.test.TestTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How a service tests itself with the test kit, in-process: the platform its main builds, with the
 * test defaults; a test's flag values and secrets; a scripted inventory; its span, RED series and
 * log line — every wait bounded, no sleep. (HttpApiIT runs the built jar as a process.)
 */
class OrdersApiTest {
  private final TestSecrets secrets = TestSecrets.create().put(OrdersApi.INVENTORY_API_KEY, "test-inventory-key-1");
  private final HttpStub inventory = HttpStub.start();
  private final HttpClient client = HttpClient.newHttpClient();

  @RegisterExtension final PavedExtension paved = PavedExtension.of(() -> HttpApiMain.platform().module(secrets.module()));
  @RegisterExtension final LogCapture logs = LogCapture.of(OrdersApi.class);

  @AfterEach
  void stopInventory() {
    inventory.close();
  }

  private HttpResponse<String> get(OrdersApi api, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anOrderHasItsServerSpanItsRedSeriesItsLogLineAndTheFlagsVariant(Platform platform, TestTelemetry telemetry) throws Exception {
    TestFlags.of(platform).variant("new-checkout", "express", "one-click");
    try (OrdersApi api = OrdersApi.start(platform, 0)) {
      HttpResponse<String> order = get(api, "/api/orders/1");
      assertThat(order.statusCode()).isEqualTo(200);
      assertThat(order.body()).contains("\"checkout\":\"express\"");

      SpanData server = telemetry.awaitSpan("GET /api/orders/{id}", SpanKind.SERVER);
      assertThat(server)
          .hasAttribute(AttributeKey.longKey("http.response.status_code"), 200L)
          .hasEventsSatisfyingExactly(
              e -> e.hasName("feature_flag.evaluation")
                  .hasAttributesSatisfying(a -> assertThat(a.get(AttributeKey.stringKey("feature_flag.result.variant"))).isEqualTo("express")));
      telemetry.awaitCount(1, "http.server.request.duration", "http.route", "/api/orders/{id}", "http.response.status_code", "200");
      assertThat(logs.lines())
          .filteredOn(l -> l.event().getFormattedMessage().equals("order looked up"))
          .singleElement()
          .satisfies(l -> assertThat(l.traceId()).isEqualTo(server.getTraceId()));
    }
  }

  @Test
  @PavedProperty(name = "orders.page-size", value = "2")
  void thePageSizeComesFromConfiguration(Platform platform) throws Exception {
    try (OrdersApi api = OrdersApi.start(platform, 0)) {
      assertThat(get(api, "/api/orders").body()).startsWith("{\"pageSize\":2,");
    }
  }

  @Test
  void aFailingInventoryIsRetriedAndARotatedKeyIsUsedAtOnce() throws Exception {
    inventory.answer(503, "");
    paved.property("orders.inventory-url", inventory.uri("").toString());
    Platform platform = paved.platform();
    try (OrdersApi api = OrdersApi.start(platform, 0)) {
      assertThat(get(api, "/api/orders/2").body()).contains("\"stock\":\"unknown\"");
      assertThat(inventory.hits()).as("three attempts by default").isEqualTo(3);
      assertThat(inventory.requests()).extracting(r -> r.header("x-api-key")).containsOnly("test-inventory-key-1");
      assertThat(paved.telemetry().count("paved.resilience.retries", "dependency", "inventory")).isEqualTo(2);

      secrets.rotate(OrdersApi.INVENTORY_API_KEY, "test-inventory-key-2");
      inventory.answer(200, "{\"available\":3}");
      assertThat(get(api, "/api/orders/2").body()).contains("\"stock\":{\"available\":3}");
      assertThat(inventory.requests().get(inventory.hits() - 1).header("x-api-key")).isEqualTo("test-inventory-key-2");
    }
  }
}
