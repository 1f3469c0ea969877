package dev.paved.spring.reactive;

import dev.paved.spring.PavedWebClients;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** A Spring WebFlux service on Paved, as a newcomer writes one: reactive controllers, WebClients. */
@SpringBootApplication
public class ReactiveOrdersApplication {
  /**
   * Only because the tests run several applications in one JVM: Reactor Netty's global event
   * loops would be disposed by the first application to close, under the others' servers.
   */
  @Bean
  org.springframework.http.client.ReactorResourceFactory reactorResourceFactory() {
    org.springframework.http.client.ReactorResourceFactory factory = new org.springframework.http.client.ReactorResourceFactory();
    factory.setUseGlobalResources(false);
    return factory;
  }

  @Bean
  WebClient inventory(PavedWebClients clients, @Value("${orders.inventory-url}") String url) {
    return clients.builder("inventory").baseUrl(url).build();
  }

  @RestController
  static class OrdersController {
    private static final Logger LOG = LoggerFactory.getLogger(OrdersController.class);
    private final WebClient inventory;
    private final WebClient plain;

    OrdersController(WebClient inventory, WebClient.Builder builder, @Value("${orders.inventory-url}") String url) {
      this.inventory = inventory;
      this.plain = builder.baseUrl(url).build();
    }

    @GetMapping("/api/orders/{id}")
    Mono<ResponseEntity<Map<String, Object>>> order(@PathVariable("id") String id) {
      LOG.info("reading order {}", id);
      return inventory.get().uri("/stock/{id}", id).retrieve().bodyToMono(String.class)
          // Another thread than the request's: the log line still carries its trace.
          .publishOn(Schedulers.boundedElastic())
          .map(stock -> {
            LOG.info("order {} has stock {}", id, stock);
            return ResponseEntity.ok(Map.<String, Object>of("id", id, "stock", stock));
          })
          .onErrorResume(e -> {
            LOG.warn("inventory unavailable for order {}: {}", id, e.getClass().getSimpleName());
            return Mono.just(ResponseEntity.status(503).body(Map.of("id", id, "error", e.getClass().getSimpleName())));
          });
    }

    /** Through Spring Boot's own WebClient.Builder: traced, no policy. */
    @GetMapping("/api/stock/{id}")
    Mono<String> stock(@PathVariable("id") String id) {
      return plain.get().uri("/stock/{id}", id).retrieve().bodyToMono(String.class);
    }

    @GetMapping("/api/orders/search")
    Mono<Map<String, Object>> search() {
      return Mono.just(Map.of("orders", java.util.List.of()));
    }

    @GetMapping("/api/boom")
    Mono<String> boom() {
      return Mono.error(new IllegalStateException("the order store is on fire"));
    }

    /** An exception Spring maps to a 404: the client's, not a server error. */
    @GetMapping("/api/orders/{id}/invoice")
    Mono<String> invoice(@PathVariable("id") String id) {
      return Mono.error(new NoInvoice(id));
    }

    @org.springframework.web.bind.annotation.ResponseStatus(org.springframework.http.HttpStatus.NOT_FOUND)
    static final class NoInvoice extends RuntimeException {
      private static final long serialVersionUID = 1L;

      NoInvoice(String id) {
        super("no invoice for order " + id);
      }
    }

    @GetMapping("/api/slow")
    Mono<String> slow() {
      return Mono.delay(Duration.ofMillis(400)).map(x -> "done");
    }
  }
}
