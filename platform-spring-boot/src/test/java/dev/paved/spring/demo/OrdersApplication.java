package dev.paved.spring.demo;

import dev.paved.config.flags.Flags;
import dev.paved.spring.PavedRestClients;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/** A Spring Boot service on Paved, as a newcomer writes one: Spring MVC, a RestClient, a flag. */
@SpringBootApplication
@org.springframework.boot.context.properties.EnableConfigurationProperties(ShopProperties.class)
public class OrdersApplication {
  /** What the {@code ordersStore} health indicator reports; tests turn it off. */
  public static final AtomicBoolean STORE_UP = new AtomicBoolean(true);

  public static void main(String[] args) {
    SpringApplication.run(OrdersApplication.class, args);
  }

  /** The inventory's API key: in application.yaml as {@code ${paved.secrets.kv/inventory#api-key}}. */
  @Bean
  InventoryKey inventoryKey(@Value("${inventory.api-key:none}") String key) {
    return new InventoryKey(key);
  }

  /** A secret held by the service (its toString would print it: this one is only for the test). */
  public record InventoryKey(String value) {}

  @Bean
  HealthIndicator ordersStore() {
    return () -> STORE_UP.get() ? Health.up().build() : Health.down().withDetail("store", "unreachable").build();
  }

  @Bean
  RestClient inventory(PavedRestClients clients, @Value("${orders.inventory-url}") String url) {
    return clients.builder("inventory").baseUrl(url).build();
  }

  @RestController
  static class OrdersController {
    private static final Logger LOG = LoggerFactory.getLogger(OrdersController.class);
    private final RestClient inventory;
    private final Flags flags;
    private final RestClient plain;
    private final org.springframework.web.client.RestTemplate template;

    OrdersController(
        RestClient inventory,
        Flags flags,
        RestClient.Builder builder,
        org.springframework.boot.restclient.RestTemplateBuilder templates,
        @Value("${orders.inventory-url}") String url) {
      this.inventory = inventory;
      this.flags = flags;
      this.plain = builder.baseUrl(url).build();
      this.template = templates.rootUri(url).build();
    }

    /** Through Spring Boot's own RestClient.Builder and RestTemplateBuilder: traced, no policy. */
    @GetMapping("/api/stock/{id}")
    Map<String, Object> stock(@PathVariable("id") String id) {
      String viaClient = plain.get().uri("/stock/{id}", id).retrieve().body(String.class);
      String viaTemplate = template.getForObject("/stock/{id}", String.class, id);
      return Map.of("client", String.valueOf(viaClient), "template", String.valueOf(viaTemplate));
    }

    @GetMapping("/api/orders/{id}")
    ResponseEntity<Map<String, Object>> order(@PathVariable("id") String id) {
      LOG.info("reading order {}", id);
      boolean newPricing = flags.isEnabled("new-pricing", false);
      try {
        String stock = inventory.get().uri("/stock/{id}", id).retrieve().body(String.class);
        return ResponseEntity.ok(Map.of("id", id, "stock", String.valueOf(stock), "newPricing", newPricing));
      } catch (RuntimeException e) {
        LOG.warn("inventory unavailable for order {}: {}", id, e.getClass().getSimpleName());
        return ResponseEntity.status(503).body(Map.of("id", id, "error", e.getClass().getSimpleName()));
      }
    }

    @GetMapping("/api/orders/search")
    Map<String, Object> search() {
      return Map.of("orders", java.util.List.of());
    }

    @GetMapping("/api/slow")
    String slow() throws InterruptedException {
      Thread.sleep(400);
      return "done";
    }
  }
}
