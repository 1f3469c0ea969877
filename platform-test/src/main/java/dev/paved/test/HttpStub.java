package dev.paved.test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * A downstream HTTP dependency on loopback whose answers the test scripts: status, body,
 * headers, a delay, or a dropped connection; it records every request it got, with the headers
 * each carried ({@code traceparent}, {@code x-paved-timeout-ms}, ...). Real sockets, so the
 * service's client, its timeouts, retries and breaker work as in production.
 *
 * <p>Built on the JDK's own HTTP server rather than WireMock or MockWebServer: no dependency
 * beyond the JDK (WireMock brings Jetty, MockWebServer OkHttp and Kotlin), the same server Paved's
 * own tests and the example use, and what a test of a dependency needs is a few answers and a
 * record of what was asked.
 *
 * <pre>{@code
 * try (HttpStub inventory = HttpStub.start()) {
 *   inventory.answer(200, "{\"inStock\":true}", Map.of()).enqueue(503, ""); // 503 once, then 200
 *   ... call inventory.uri("/api/stock/1") through the service ...
 *   assertThat(inventory.hits()).isEqualTo(2);
 *   assertThat(inventory.requests().get(1).header("traceparent")).isNotNull();
 * }
 * }</pre>
 */
public final class HttpStub implements AutoCloseable {
  /** One request as the stub received it; header names in lower case. */
  public record Request(String method, String path, @Nullable String query, Map<String, List<String>> headers, String body) {
    /** The first value of header {@code name} (any case), or null. */
    public @Nullable String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  /** One scripted answer. */
  private record Answer(int status, String body, Map<String, String> headers, Duration delay, boolean drop) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "paved-http-stub");
    t.setDaemon(true);
    return t;
  });
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Answer> once = new ConcurrentLinkedQueue<>();
  private volatile Answer always = new Answer(200, "", Map.of(), Duration.ZERO, false);

  private HttpStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** A stub on an ephemeral loopback port, answering 200 with an empty body until told otherwise. */
  public static HttpStub start() {
    try {
      return new HttpStub();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("the stub could not listen on loopback", e);
    }
  }

  /** From now on, every request is answered {@code status} with an empty body. */
  public HttpStub answer(int status) {
    return answer(status, "", Map.of());
  }

  /** From now on, every request is answered {@code status} and {@code body} (UTF-8). */
  public HttpStub answer(int status, String body) {
    return answer(status, body, Map.of());
  }

  /** From now on, every request is answered {@code status} with {@code headers}. */
  public HttpStub answer(int status, Map<String, String> headers) {
    return answer(status, "", headers);
  }

  /** From now on, every request is answered {@code status}, {@code body} (UTF-8) and {@code headers}. */
  public HttpStub answer(int status, String body, Map<String, String> headers) {
    Answer a = always;
    always = new Answer(status, Objects.requireNonNull(body, "body"), Map.copyOf(headers), a.delay(), false);
    return this;
  }

  /** The next request (after those already queued) is answered {@code status} and {@code body}; then the standing answer again. */
  public HttpStub enqueue(int status, String body) {
    once.add(new Answer(status, body, Map.of(), Duration.ZERO, false));
    return this;
  }

  /**
   * The next request (after those already queued) gets no answer: the connection is closed.
   * The JDK's client sends a GET again once on a connection closed like this, so a one-time drop
   * shows on a POST; {@link #dropConnections()} drops every one.
   */
  public HttpStub enqueueDroppedConnection() {
    once.add(new Answer(0, "", Map.of(), Duration.ZERO, true));
    return this;
  }

  /** From now on, every standing answer is sent after {@code delay}. */
  public HttpStub delay(Duration delay) {
    Answer a = always;
    always = new Answer(a.status(), a.body(), a.headers(), Objects.requireNonNull(delay, "delay"), a.drop());
    return this;
  }

  /** From now on, every request's connection is closed without an answer. */
  public HttpStub dropConnections() {
    Answer a = always;
    always = new Answer(a.status(), a.body(), a.headers(), a.delay(), true);
    return this;
  }

  /** The requests received so far, in order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** How many requests were received. */
  public int hits() {
    return requests.size();
  }

  /** The stub's address for {@code path} (and query), for example {@code /api/stock/1}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    String body;
    try {
      body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      body = "";
    }
    requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(), headers, body));
    Answer next = once.poll();
    Answer a = next != null ? next : always;
    if (a.drop()) {
      exchange.close(); // no status line: the client sees the connection end
      return;
    }
    try (exchange) {
      if (!a.delay().isZero()) {
        Thread.sleep(a.delay().toMillis());
      }
      a.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException clientGone) {
      // the client gave up (its time-out): nothing more to answer
    }
  }
}
