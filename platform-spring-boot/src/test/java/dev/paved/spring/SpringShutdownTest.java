package dev.paved.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.spring.demo.OrdersApplication;
import dev.paved.test.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a Spring Boot service on Paved, as Kubernetes sends it, with requests in flight:
 * Paved's readiness goes down and drains while Tomcat still serves, then Spring's graceful
 * shutdown finishes what is in progress, then Paved's in-flight, modules and admin phases run.
 */
class SpringShutdownTest {
  private static final Pattern TOMCAT_PORT = Pattern.compile("Tomcat started on port (\\d+)");

  @Test
  void sigtermRunsPavedsPhasesAroundSpringsGracefulShutdownAndLosesNoRequest() throws Exception {
    try (ServiceProcess service =
        ServiceProcess.mainClass(OrdersApplication.class)
            .arg("--server.port=0")
            .arg("--spring.application.name=orders-sigterm")
            .arg("--platform.admin.port=0")
            .arg("--platform.shutdown.drain=600ms")
            .arg("--platform.flags.file=classpath:demo-flags.yaml")
            .arg("--orders.inventory-url=http://127.0.0.1:9")
            .timeout(Duration.ofSeconds(60))
            .start()) {
      service.awaitReady();
      Map<String, Object> started = service.awaitEvent(e -> String.valueOf(e.get("message")).startsWith("Tomcat started on port"), "Tomcat's start, as a JSON line");
      Matcher m = TOMCAT_PORT.matcher(String.valueOf(started.get("message")));
      assertThat(m.find()).isTrue();
      URI slow = URI.create("http://127.0.0.1:" + m.group(1) + "/api/slow");

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> cutOff = new ConcurrentLinkedQueue<>();
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      long stopAt = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      for (int i = 0; i < 6; i++) {
        clients.add(
            CompletableFuture.runAsync(
                () -> {
                  while (System.nanoTime() < stopAt) {
                    try {
                      HttpResponse<String> r = http.send(HttpRequest.newBuilder(slow).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                      statuses.add(r.statusCode());
                    } catch (java.net.ConnectException e) {
                      // After Tomcat stopped accepting: a new connection is refused, which a
                      // load balancer that saw readiness go down 600 ms earlier no longer opens.
                      refused.add(e.toString());
                      return;
                    } catch (IOException e) {
                      cutOff.add(e.toString()); // a request that reached Tomcat and lost its answer
                      return;
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return;
                    }
                  }
                }));
      }
      Thread.sleep(1000); // load in flight: each client has a 400 ms request open
      int before = statuses.size();
      service.sigterm();
      CompletableFuture.allOf(clients.toArray(new CompletableFuture<?>[0])).get();
      service.awaitExit();

      assertThat(before).as("requests served before SIGTERM").isPositive();
      assertThat(statuses).as("every request that reached Tomcat was answered 200").isNotEmpty().allMatch(s -> s == 200);
      assertThat(cutOff).as("no request cut off mid-answer (only new connections refused, after the drain)").isEmpty();
      assertThat(statuses.size()).as("requests served during the drain, after SIGTERM").isGreaterThan(before);
      assertThat(service.shutdownPhases()).containsExactly("readiness-down", "drain", "in-flight", "modules", "admin");

      List<String> lines = service.lines();
      int drain = indexOf(lines, "\"paved.shutdown.phase\":\"drain\"");
      int graceful = indexOf(lines, "Commencing graceful shutdown");
      int inFlight = indexOf(lines, "\"paved.shutdown.phase\":\"in-flight\"");
      assertThat(graceful).as("Spring's graceful shutdown logged").isPositive();
      assertThat(drain).as("Paved drains before Spring's graceful shutdown").isLessThan(graceful);
      assertThat(graceful).as("then Paved's in-flight phase").isLessThan(inFlight);
    }
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }
}
