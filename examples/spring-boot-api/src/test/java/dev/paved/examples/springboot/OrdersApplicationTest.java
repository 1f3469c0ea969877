package dev.paved.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.core.Platform;
import dev.paved.test.HttpStub;
import dev.paved.test.TestTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The service on an ephemeral port, its inventory a stub: one trace through both. */
class OrdersApplicationTest {
  @Test
  void anOrderIsReadWithItsStockInOneTrace() throws Exception {
    try (HttpStub inventory = HttpStub.start().answer(200, "12");
        ConfigurableApplicationContext app =
            SpringApplication.run(
                OrdersApplication.class,
                "--server.port=0",
                "--platform.admin.port=0",
                "--platform.shutdown.drain=0ms",
                "--orders.inventory-url=" + inventory.uri(""))) {
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/orders/42")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"stock\":\"12\"");

      TestTelemetry telemetry = TestTelemetry.of(app.getBean(Platform.class));
      SpanData server = telemetry.awaitSpan("GET /api/orders/{id}", SpanKind.SERVER);
      assertThat(telemetry.trace(server.getTraceId())).anyMatch(s -> s.getKind() == SpanKind.CLIENT);
      assertThat(inventory.requests().get(0).header("traceparent")).contains(server.getTraceId());
    }
  }
}
