package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regression test: a retried response was dropped without being closed, so with {@code
 * BodyHandlers.ofInputStream()} every retried 5xx held its connection open. A real HTTP/1.1 server
 * on loopback (a plain socket server, so that it can count the connections that are open) answers
 * every first attempt 503 with a body and every second 200.
 */
@Timeout(120)
class RetriedResponsesAreReleasedTest {

  /** Keep-alive HTTP/1.1 on raw sockets; counts connections opened and still open. */
  static final class CountingServer implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final ExecutorService threads = Executors.newCachedThreadPool();
    final byte[] body = "x".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII);

    CountingServer() throws IOException {
      socket = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
      threads.execute(this::accept);
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/stock");
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          opened.incrementAndGet();
          open.incrementAndGet();
          threads.execute(() -> serve(s));
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try (s) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = s.getOutputStream();
        while (true) {
          String line = in.readLine();
          if (line == null) {
            return;
          }
          while (!line.isEmpty()) {
            line = in.readLine();
            if (line == null) {
              return;
            }
          }
          int n = requests.incrementAndGet();
          int status = n % 2 == 1 ? 503 : 200;
          String head =
              "HTTP/1.1 " + status + (status == 200 ? " OK" : " Service Unavailable") + "\r\n"
                  + "Content-Length: " + body.length + "\r\n"
                  + "Content-Type: text/plain\r\n\r\n";
          out.write(head.getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
        }
      } catch (IOException e) {
        // The client closed or reset the connection.
      } finally {
        open.decrementAndGet();
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      threads.shutdownNow();
    }
  }

  @Test
  void aThousandRetried503sWithAnInputStreamBodyLeaveNoConnectionOpen() throws Exception {
    try (CountingServer server = new CountingServer()) {
      DependencyPolicy policy =
          DependencyPolicy.builder("inventory")
              .maxAttempts(2)
              .backoff(Backoff.create(Duration.ofNanos(1), 1, Duration.ofNanos(1), Duration.ZERO))
              .budget(RetryBudget.create(1.0, 10_000, Duration.ofSeconds(10)))
              .circuitBreaker(
                  CircuitBreakerConfig.custom()
                      .failureRateThreshold(100)
                      .maxWaitDurationInHalfOpenState(Duration.ofSeconds(1))
                      .build())
              .build();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      ResilientHttpClient client = ResilientHttpClient.create(policy, http);
      HttpRequest get = HttpRequest.newBuilder(server.uri()).build();
      for (int i = 0; i < 1_000; i++) {
        HttpResponse<InputStream> response = client.send(get, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        // The caller reads and closes the response it gets, as it should.
        try (InputStream body = response.body()) {
          assertThat(body.readAllBytes()).hasSize(server.body.length);
        }
      }
      assertThat(server.requests).hasValue(2_000);
      // Only the client's pool of idle keep-alive connections may stay open (one here: calls
      // are sequential); a leaked body would hold one connection per retried 503.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.open.get()).isLessThanOrEqualTo(2));
    }
  }
}
