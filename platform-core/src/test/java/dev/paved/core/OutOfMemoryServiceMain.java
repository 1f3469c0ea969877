package dev.paved.core;

import java.time.Duration;
import java.util.Map;

/**
 * A started service in which a thread dies of an OutOfMemoryError (as the JDK server's dispatcher
 * did under a memory attack), run as a real process by {@link PlatformRunTest}.
 */
public final class OutOfMemoryServiceMain {
  private OutOfMemoryServiceMain() {}

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
          Thread dispatcher =
              new Thread(
                  () -> {
                    throw new OutOfMemoryError("Java heap space (simulated)");
                  },
                  "HTTP-Dispatcher");
          dispatcher.start();
        });
  }
}
