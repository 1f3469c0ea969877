package dev.paved.observability;


import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.paved.core.Platform;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A two-service golden path in one process, run by {@link GoldenPathIT} as a real JVM so that its
 * stdout is the real JSON log output: orders (server A) logs, hops to another thread, and calls
 * stock (server B) through the traced client.
 */
public final class GoldenPathApp {
  private static final Logger LOG = LoggerFactory.getLogger(GoldenPathApp.class);

  private GoldenPathApp() {}

  public static void main(String[] args) throws IOException {
    Platform platform =
        Platform.builder()
            .serviceName("golden")
            .property("platform.service.version", "1.2.3")
            .adminPort(0)
            .property("platform.admin.bind-address", "127.0.0.1")
            .property("platform.shutdown.drain", "0s")
            .start();
    Observability obs = Observability.of(platform);
    System.gc(); // one collection, so that jvm.gc.duration has a series for the test to check

    HttpServer stock = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stock.createContext("/api/stock/", ex -> {
      LOG.atInfo().addKeyValue("sku", ex.getRequestURI().getPath().substring("/api/stock/".length())).log("checking stock");
      respond(ex, 200, "{\"inStock\":true}");
    }).getFilters().add(obs.httpServerFilter(Routes.of("/api/stock/{sku}")));
    stock.start();

    TracedHttpClient client = obs.httpClient(HttpClient.newHttpClient());
    ExecutorService pool = Observability.propagating(Executors.newFixedThreadPool(2));
    URI stockUri = URI.create("http://127.0.0.1:" + stock.getAddress().getPort() + "/api/stock/sku-1");
    HttpServer orders = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    orders.createContext("/api/orders/", ex -> {
      String id = ex.getRequestURI().getPath().substring("/api/orders/".length());
      LOG.atInfo().addKeyValue("order.id", id).log("order requested");
      try {
        pool.submit(() -> LOG.info("hop to another thread")).get();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(stockUri).build(), HttpResponse.BodyHandlers.ofString());
        if (id.equals("boom")) {
          throw new IllegalStateException("order failed: line1\nline2 \u2028 \u001b[31m \"} {\"forged\":true}");
        }
        respond(ex, 200, "{\"id\":\"" + id + "\",\"stock\":" + r.body() + "}");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        respond(ex, 503, "{}");
      } catch (Exception e) {
        LOG.error("order {} failed", id, e);
        respond(ex, 500, "{}");
      }
    }).getFilters().add(obs.httpServerFilter(Routes.of("/api/orders/{id}")));
    orders.start();
    System.out.println("READY orders=" + orders.getAddress().getPort() + " admin=" + platform.admin().port());
    System.out.flush();
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
