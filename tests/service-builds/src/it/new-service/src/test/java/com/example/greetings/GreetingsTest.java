package com.example.greetings;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.paved.config.flags.TestFlags;
import dev.paved.core.Platform;
import dev.paved.test.LogCapture;
import dev.paved.test.PavedExtension;
import dev.paved.test.TestTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

public class GreetingsTest {
  @RegisterExtension final PavedExtension paved = PavedExtension.of(GreetingsMain::platform);
  @RegisterExtension final LogCapture logs = LogCapture.of(GreetingsMain.class);

  @Test
  public void aLoudGreetingHasItsSpanItsSeriesAndItsLogLine(Platform platform, TestTelemetry telemetry) throws Exception {
    TestFlags.of(platform).enable("loud-greetings");
    HttpServer server = GreetingsMain.serve(platform, 0);
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/greetings/ada")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("HELLO, ada");
      SpanData span = telemetry.awaitSpan("GET /greetings/{name}", SpanKind.SERVER);
      assertThat(span).hasEventsSatisfying(events -> assertThat(events).anySatisfy(e -> assertThat(e.getName()).isEqualTo("feature_flag.evaluation")));
      telemetry.awaitCount(1, "http.server.request.duration", "http.route", "/greetings/{name}");
      assertThat(logs.lines()).singleElement().satisfies(l -> assertThat(l.traceId()).isEqualTo(span.getTraceId()));
    } finally {
      server.stop(0);
    }
  }
}
