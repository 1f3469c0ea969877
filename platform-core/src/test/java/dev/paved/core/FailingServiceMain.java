package dev.paved.core;

import java.time.Duration;
import java.util.Map;

/**
 * A service whose own start-up throws after the platform started (a port in use, a missing
 * secret), run as a real process by {@link PlatformRunTest}.
 */
public final class FailingServiceMain {
  private FailingServiceMain() {}

  public static void main(String[] args) {
    Platform.run(
        Platform.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .discoverModules(false)
            .serviceName("orders")
            .adminPort(0)
            .property("platform.admin.bind-address", "127.0.0.1")
            .drain(Duration.ZERO),
        platform -> {
          System.out.println("ADMIN_PORT " + platform.admin().port());
          Thread.sleep(1_500); // long enough for the test to probe readiness meanwhile
          throw new java.net.BindException("Address already in use: 127.0.0.1:8080");
        });
  }
}
