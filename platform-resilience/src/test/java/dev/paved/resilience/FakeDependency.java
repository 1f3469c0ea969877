package dev.paved.resilience;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP dependency on loopback whose answers a test sets: status, headers, delay. */
final class FakeDependency implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger hits = new AtomicInteger();
  private volatile int status = 200;
  private volatile Map<String, String> headers = Map.of();
  private volatile long delayMillis;

  FakeDependency() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", ex -> {
      hits.incrementAndGet();
      try (ex) {
        ex.getRequestBody().readAllBytes();
        if (delayMillis > 0) {
          Thread.sleep(delayMillis);
        }
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // the client gave up (time-out): nothing to answer
      }
    });
    server.start();
  }

  void answer(int status, Map<String, String> headers) {
    this.status = status;
    this.headers = headers;
  }

  void delay(long millis) {
    this.delayMillis = millis;
  }

  int hits() {
    return hits.get();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
