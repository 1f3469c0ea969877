package dev.paved.tests.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.core.Platform;
import dev.paved.test.TestTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The application starts on the converged versions, and Paved instruments it with no code. */
class SpringBootConsumerTest {
  @Test
  void startsAndIsInstrumentedByPaved() throws Exception {
    try (ConfigurableApplicationContext app =
        SpringApplication.run(
            ConsumerApplication.class, "--server.port=0", "--spring.application.name=greetings", "--platform.admin.port=0", "--platform.shutdown.drain=0ms")) {
      org.springframework.boot.web.server.WebServer server = ((WebServerApplicationContext) app).getWebServer();
      assertThat(server).isNotNull();
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/greetings/ada")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"greeting\":\"hello ada\"}");
      Platform platform = app.getBean(Platform.class);
      assertThat(platform.descriptor().name()).isEqualTo("greetings");
      assertThat(TestTelemetry.of(platform).awaitSpan("GET /greetings/{name}", SpanKind.SERVER).getAttributes().asMap().toString())
          .contains("http.route=/greetings/{name}");
    }
  }
}
