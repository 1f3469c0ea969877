package dev.paved.benchmarks.springapp;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * GET /api/orders/{id}: one log line, one call to the inventory through Spring Boot's
 * RestClient.Builder, a JSON answer. Nothing of Paved's or of OpenTelemetry's in the code: the
 * build decides which stack is underneath.
 */
@SpringBootApplication
@RestController
public class BenchmarkApplication {
  private static final Logger LOG = LoggerFactory.getLogger(BenchmarkApplication.class);
  private final RestClient inventory;

  public BenchmarkApplication(RestClient.Builder builder, @Value("${inventory.url}") String url) {
    this.inventory = builder.baseUrl(url).build();
  }

  public static void main(String[] args) {
    SpringApplication.run(BenchmarkApplication.class, args);
  }

  @GetMapping("/api/orders/{id}")
  public Map<String, Object> order(@PathVariable("id") String id) {
    LOG.info("reading order {}", id);
    String stock = inventory.get().uri("/api/orders/{id}", id).retrieve().body(String.class);
    return Map.of("id", id, "stock", String.valueOf(stock));
  }
}
