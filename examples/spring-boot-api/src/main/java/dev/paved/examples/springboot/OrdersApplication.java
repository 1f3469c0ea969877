package dev.paved.examples.springboot;

import dev.paved.spring.PavedRestClients;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/**
 * {@code GET /api/orders/{id}} on Spring MVC, its stock from the inventory service through a
 * {@code RestClient} under Paved's policy for {@code inventory}. Paved's auto-configuration gives
 * the rest: the platform, JSON logs with trace ids, the SERVER and CLIENT spans, RED metrics on the
 * admin port's /metrics, health in both Actuator and Paved, and its shutdown phases.
 */
@SpringBootApplication
public class OrdersApplication {
  public static void main(String[] args) {
    SpringApplication.run(OrdersApplication.class, args);
  }

  @Bean
  RestClient inventory(PavedRestClients clients, @Value("${orders.inventory-url}") String url) {
    return clients.builder("inventory").baseUrl(url).build();
  }
}
