package dev.paved.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HttpStubTest {
  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(HttpStub stub, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(stub.uri(path)).timeout(Duration.ofSeconds(5));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void queuedAnswersComeFirstThenTheStandingOneAndEveryRequestIsRecorded() throws Exception {
    try (HttpStub stub = HttpStub.start()) {
      stub.answer(200, "{\"inStock\":true}", Map.of("Content-Type", "application/json")).enqueue(503, "").enqueue(429, "slow down");
      assertThat(get(stub, "/api/stock/1", "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").statusCode()).isEqualTo(503);
      HttpResponse<String> second = get(stub, "/api/stock/1?fresh=true");
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.body()).isEqualTo("slow down");
      HttpResponse<String> third = get(stub, "/api/stock/2");
      assertThat(third.statusCode()).isEqualTo(200);
      assertThat(third.headers().firstValue("content-type")).contains("application/json");
      assertThat(third.body()).isEqualTo("{\"inStock\":true}");
      assertThat(stub.hits()).isEqualTo(3);
      assertThat(stub.requests().get(0).header("TraceParent")).startsWith("00-0af7651916cd43dd8448eb211c80319c-");
      assertThat(stub.requests().get(1).query()).isEqualTo("fresh=true");
      assertThat(stub.requests().get(2).path()).isEqualTo("/api/stock/2");
    }
  }

  @Test
  void aDelayOutlastsTheClientsTimeoutAndADroppedConnectionFailsTheCall() throws Exception {
    try (HttpStub stub = HttpStub.start()) {
      stub.delay(Duration.ofSeconds(2));
      HttpRequest slow = HttpRequest.newBuilder(stub.uri("/slow")).timeout(Duration.ofMillis(200)).build();
      assertThatThrownBy(() -> client.send(slow, HttpResponse.BodyHandlers.discarding())).isInstanceOf(HttpTimeoutException.class);
      stub.delay(Duration.ZERO).dropConnections();
      assertThatThrownBy(() -> get(stub, "/dropped")).isInstanceOf(IOException.class);
      stub.answer(200).enqueueDroppedConnection();
      HttpRequest post = HttpRequest.newBuilder(stub.uri("/once")).POST(HttpRequest.BodyPublishers.ofString("x")).build();
      assertThatThrownBy(() -> client.send(post, HttpResponse.BodyHandlers.discarding())).as("a POST is not retried by the client").isInstanceOf(IOException.class);
      assertThat(get(stub, "/after").statusCode()).isEqualTo(200);
    }
  }
}
