package dev.paved.examples.springboot;

import dev.paved.config.flags.Flags;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

@RestController
class OrdersController {
  private static final Logger LOG = LoggerFactory.getLogger(OrdersController.class);
  private final RestClient inventory;
  private final Flags flags;

  OrdersController(RestClient inventory, Flags flags) {
    this.inventory = inventory;
    this.flags = flags;
  }

  @GetMapping("/api/orders/{id}")
  ResponseEntity<Map<String, Object>> order(@PathVariable("id") String id) {
    LOG.info("reading order {}", id);
    boolean newPricing = flags.isEnabled("new-pricing", false);
    try {
      String stock = inventory.get().uri("/stock/{id}", id).retrieve().body(String.class);
      return ResponseEntity.ok(Map.of("id", id, "stock", String.valueOf(stock), "newPricing", newPricing));
    } catch (RestClientException | io.github.resilience4j.circuitbreaker.CallNotPermittedException e) {
      // Retried under the budget, or refused by the open breaker: the caller gets a clear 503.
      LOG.warn("inventory unavailable for order {}", id, e);
      return ResponseEntity.status(503).body(Map.of("id", id, "error", "inventory unavailable"));
    }
  }
}
