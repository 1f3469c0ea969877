package dev.paved.benchmarks.webfluxapp;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * GET /api/orders/{id} on Spring WebFlux: one log line, one call to the inventory through Spring
 * Boot's WebClient.Builder, a JSON answer — the reactive twin of the Spring MVC benchmark app.
 * Nothing of Paved's or of OpenTelemetry's in the code: the build decides which stack is
 * underneath.
 */
@SpringBootApplication
@RestController
public class BenchmarkApplication {
  private static final Logger LOG = LoggerFactory.getLogger(BenchmarkApplication.class);
  private final WebClient inventory;

  public BenchmarkApplication(WebClient.Builder builder, @Value("${inventory.url}") String url) {
    this.inventory = builder.baseUrl(url).build();
  }

  public static void main(String[] args) {
    SpringApplication.run(BenchmarkApplication.class, args);
  }

  @GetMapping("/api/orders/{id}")
  public Mono<Map<String, Object>> order(@PathVariable("id") String id) {
    LOG.info("reading order {}", id);
    return inventory.get().uri("/api/orders/{id}", id).retrieve().bodyToMono(String.class)
        .map(stock -> Map.<String, Object>of("id", id, "stock", stock));
  }
}
