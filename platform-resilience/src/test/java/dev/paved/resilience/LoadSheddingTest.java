package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LoadSheddingTest {

  @Test
  void aboveTheLimitRequestsGet503WithRetryAfterAndTheRestAreServed() throws Exception {
    LoadShedding shedding = new LoadShedding(2, 1, null);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inside = new CountDownLatch(2);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", ex -> {
      inside.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.sendResponseHeaders(200, -1);
      ex.close();
    }).getFilters().add(shedding);
    server.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
      List<CompletableFuture<HttpResponse<Void>>> slow = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        slow.add(HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()));
      }
      assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
      HttpResponse<Void> shed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(shed.statusCode()).isEqualTo(503);
      assertThat(shed.headers().firstValue("Retry-After")).contains("1");
      release.countDown();
      for (var f : slow) {
        assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      // The filter leaves after the exchange is closed, which may be after the client has the response.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> shedding.inProgress() == 0);
      assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(200);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void limitMustBePositive() {
    assertThatThrownBy(() -> new LoadShedding(0, 1, null)).hasMessage("limit: 0 (expected: >= 1)");
  }
}
