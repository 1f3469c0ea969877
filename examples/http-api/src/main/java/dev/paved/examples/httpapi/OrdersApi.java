package dev.paved.examples.httpapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.paved.config.Bound;
import dev.paved.config.Configuration;
import dev.paved.config.flags.FlagVariant;
import dev.paved.config.flags.Flags;
import dev.paved.config.secrets.Secret;
import dev.paved.config.secrets.SecretException;
import dev.paved.config.secrets.Secrets;
import dev.paved.core.HealthKind;
import dev.paved.core.HealthResult;
import dev.paved.core.Platform;
import dev.paved.messaging.EventProducer;
import dev.paved.messaging.Events;
import dev.paved.observability.Observability;
import dev.paved.resilience.Resilience;
import dev.paved.resilience.ResilientHttpClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/orders/{id}} and {@code GET /api/orders} (one page, its size from the bound
 * {@code orders} section) over the JDK's HTTP server. Paved's filter makes the SERVER span,
 * the RED metrics, the log correlation and the in-flight count.
 */
final class OrdersApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OrdersApi.class);
  /** Every response is written by Jackson: an upstream's text never becomes part of our JSON unparsed. */
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode UNKNOWN = TextNode.valueOf("unknown");
  private static final Pattern ORDER_PATH = Pattern.compile("/api/orders/([^/]+)");
  private static final Pattern ORDER_ID = Pattern.compile("\\d{1,18}");
  static final String INVENTORY_API_KEY = "kv/inventory#api-key";

  private final HttpServer server;
  private final OrderStore store;
  private final Bound<OrdersSettings> settings;
  private final ResilientHttpClient inventory;
  private final Secrets secrets;
  private final Flags flags;
  private final @Nullable EventProducer<String, String> events;

  private OrdersApi(
      HttpServer server,
      OrderStore store,
      Bound<OrdersSettings> settings,
      ResilientHttpClient inventory,
      Secrets secrets,
      Flags flags,
      @Nullable EventProducer<String, String> events) {
    this.server = server;
    this.store = store;
    this.settings = settings;
    this.inventory = inventory;
    this.secrets = secrets;
    this.flags = flags;
    this.events = events;
  }

  static OrdersApi start(Platform platform, int port) throws IOException {
    OrderStore store = new OrderStore();
    platform.health().register("orders-db", HealthKind.READINESS, () -> store.isAvailable() ? HealthResult.up() : HealthResult.down("orders store unavailable"));
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    ExecutorService executor = Executors.newFixedThreadPool(8);
    Bound<OrdersSettings> settings = Configuration.of(platform).bind("orders", OrdersSettings.class);
    settings.onChange((before, after) -> LOG.info("orders settings changed: page size {} -> {}", before.pageSize(), after.pageSize()));
    Secrets secrets = Secrets.of(platform);
    if (!settings.get().inventoryUrl().isEmpty()) {
      secrets.require(INVENTORY_API_KEY); // fails start-up, naming the secret, when it cannot be read
    }
    // Order events, when a topic is set: each send is a PRODUCER span, its trace in the record's headers.
    EventProducer<String, String> events =
        settings.get().eventsTopic().isEmpty() ? null : Events.of(platform).producer(new StringSerializer(), new StringSerializer());
    OrdersApi api =
        new OrdersApi(server, store, settings, Resilience.of(platform).httpClient("inventory"), secrets, Flags.of(platform), events);
    server.setExecutor(executor);
    server.createContext("/api/orders", api::handle)
        .getFilters()
        .add(Observability.of(platform).httpServerFilter()); // the routes of platform.observability.http.routes
    server.start();
    return api;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Stops the server and its threads (tests; a process that exits needs nothing). */
  @Override
  public void close() {
    server.stop(0);
    if (server.getExecutor() instanceof ExecutorService e) {
      e.shutdownNow();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        respond(exchange, 405, Map.of("error", "method not allowed"));
        return;
      }
      // One read of the current settings per request: a reload never changes them half-way.
      OrdersSettings current = settings.get();
      if (exchange.getRequestURI().getPath().equals("/api/orders")) {
        respond(exchange, 200, store.page(current.pageSize()));
        return;
      }
      Matcher m = ORDER_PATH.matcher(exchange.getRequestURI().getPath());
      if (!m.matches()) {
        respond(exchange, 404, Map.of("error", "not found"));
        return;
      }
      String id = m.group(1);
      if (!ORDER_ID.matcher(id).matches()) {
        respond(exchange, 400, Map.of("error", "order id must be a number"));
        return;
      }
      Map<String, Object> order = store.find(Long.parseLong(id));
      LOG.atInfo().addKeyValue("order.id", id).addKeyValue("found", order != null).log("order looked up");
      if (order == null) {
        respond(exchange, 404, Map.of("error", "order " + id + " not found"));
        return;
      }
      Map<String, Object> body = new LinkedHashMap<>(order);
      // The new-checkout flag, sticky per order: the response shows the variant in use.
      FlagVariant checkout = flags.getVariant("new-checkout", id);
      body.put("checkout", checkout.name().equals("disabled") ? "classic" : checkout.name());
      EventProducer<String, String> producer = events;
      if (producer != null && !current.eventsTopic().isEmpty()) {
        // Not awaited: the answer never waits for Kafka; a failed send is counted and logged by Paved.
        producer.send(current.eventsTopic(), id, JSON.writeValueAsString(Map.of("type", "order-viewed", "orderId", id)));
      }
      String inventoryUrl = current.inventoryUrl();
      if (!inventoryUrl.isEmpty()) {
        body.put("stock", stock(inventoryUrl, id));
      }
      respond(exchange, 200, body);
    }
  }

  /**
   * The inventory's answer for an order, through the dependency's policy (retries under the budget,
   * circuit breaker, deadline); when the inventory fails, the order is still served, its stock
   * unknown.
   */
  private JsonNode stock(String inventoryUrl, String id) {
    try {
      // The API key: from Vault when VAULT_ADDR is set, else INVENTORY_API_KEY; cached in memory,
      // rotated in the background, and masked in every log line.
      Secret apiKey = secrets.get(INVENTORY_API_KEY);
      HttpResponse<String> r = inventory.send(
          HttpRequest.newBuilder(URI.create(inventoryUrl + "/api/stock/" + id)).header("X-Api-Key", apiKey.reveal()).build(),
          HttpResponse.BodyHandlers.ofString());
      String body = r.body();
      if (r.statusCode() == 200) {
        // Parsed, not pasted: a body that is not JSON is the inventory's failure, not our output.
        try {
          return JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
          LOG.atWarn().addKeyValue("order.id", id).log("inventory answered 200 with a body that is not JSON");
          return UNKNOWN;
        }
      }
      LOG.atWarn()
          .addKeyValue("order.id", id)
          .log("inventory answered {}: {}", r.statusCode(), body.length() > 200 ? body.substring(0, 200) : body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SecretException e) {
      LOG.atWarn().addKeyValue("order.id", id).log("inventory API key unavailable: {}", e.getMessage());
    } catch (Exception e) {
      LOG.atWarn().addKeyValue("order.id", id).setCause(e).log("inventory unavailable");
    }
    return UNKNOWN;
  }

  private static void respond(HttpExchange exchange, int status, Object json) throws IOException {
    byte[] body = JSON.writeValueAsBytes(json);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
