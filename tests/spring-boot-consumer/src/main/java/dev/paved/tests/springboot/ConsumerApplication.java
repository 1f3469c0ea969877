package dev.paved.tests.springboot;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The smallest Spring Boot service on Paved: nothing of Paved's in its code. */
@SpringBootApplication
@RestController
public class ConsumerApplication {
  public static void main(String[] args) {
    SpringApplication.run(ConsumerApplication.class, args);
  }

  @GetMapping("/greetings/{name}")
  public Map<String, String> greet(@PathVariable("name") String name) {
    return Map.of("greeting", "hello " + name);
  }
}
