package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin executor is bounded: beyond its queue, requests are refused and counted, never queued without limit. */
@Timeout(60)
class AdminServerSaturationTest {

  @Test
  void requestsBeyondTheQueueAreRefusedAndCountedAndTheServerRecovers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Platform p =
        TestPlatforms.isolated().property("platform.admin.threads", "1").property("platform.admin.queue", "1").start()) {
      p.admin().addEndpoint("/slow", r -> { release.await(30, TimeUnit.SECONDS); return AdminResponse.json(200, "done"); });
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI slow = URI.create("http://127.0.0.1:" + p.admin().port() + "/slow");
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        // A client per call: separate connections, so the server's dispatcher sees each one.
        HttpClient own = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        calls.add(own.sendAsync(HttpRequest.newBuilder(slow).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()));
      }
      // One runs, one waits in the queue, the rest are refused at once.
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> p.admin().rejectedRequests() >= 4);
      // Probes have threads of their own: they answer while every endpoint thread is busy.
      HttpResponse<String> live =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin().port() + "/health/live"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);
      release.countDown();
      int ok = 0;
      int refused = 0;
      for (CompletableFuture<HttpResponse<String>> c : calls) {
        try {
          int status = c.get(20, TimeUnit.SECONDS).statusCode();
          if (status == 200) {
            ok++;
          } else if (status == 503) {
            refused++;
          }
        } catch (java.util.concurrent.ExecutionException e) {
          refused++;
        }
      }
      // While the queue was full, at least four requests were refused (503, Retry-After) and
      // counted; every call ended one way or the other.
      assertThat(p.admin().rejectedRequests()).isGreaterThanOrEqualTo(4L);
      assertThat(ok).isGreaterThanOrEqualTo(2);
      assertThat(ok + refused).isEqualTo(6);
      HttpResponse<String> after = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin().port() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(after.statusCode()).isEqualTo(200);
    }
  }
}
