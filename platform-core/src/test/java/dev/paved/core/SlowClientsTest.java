package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regression (issue 16): connections that send only a request line (slowloris) held both admin
 * threads, and /health/live timed out for as long as they stayed. The JDK server now closes a
 * request still being read after {@code sun.net.httpserver.maxReqTime} (5 s), set by Paved.
 */
@Timeout(60)
class SlowClientsTest {

  @Test
  void stalledRequestsAreClosedAndTheLivenessProbeAnswersAgain() throws Exception {
    try (Platform p = TestPlatforms.isolated().property("platform.admin.threads", "2").start()) {
      assertThat(System.getProperty("sun.net.httpserver.maxReqTime")).isEqualTo("5");
      assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Socket s = new Socket(InetAddress.getLoopbackAddress(), p.admin().port());
          OutputStream out = s.getOutputStream();
          out.write("GET /health/live HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          slow.add(s);
        }
        // The server closes every stalled connection (end of stream, or a reset)...
        for (Socket s : slow) {
          s.setSoTimeout(15_000);
          InputStream in = s.getInputStream();
          int read;
          try {
            read = in.read();
          } catch (java.net.SocketException reset) {
            read = -1;
          }
          assertThat(read).isEqualTo(-1);
        }
        // ... and the probe answers while the attackers are still connected.
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    client
                            .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin().port() + "/health/live"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                                HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                        == 200);
      } finally {
        for (Socket s : slow) {
          s.close();
        }
      }
    }
  }
}
