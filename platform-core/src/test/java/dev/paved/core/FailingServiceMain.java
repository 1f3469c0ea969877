package dev.paved.core;

/**
 * A service whose own start-up throws after the platform started (a port in use, a missing
 * secret), run as a real process by {@link PlatformRunTest}.
 */
public final class FailingServiceMain {
  private FailingServiceMain() {}

  public static void main(String[] args) {
    Platform.run(
        TestPlatforms.isolated(),
        platform -> {
          System.out.println("ADMIN_PORT " + platform.admin().port());
          Thread.sleep(1_500); // long enough for the test to probe readiness meanwhile
          throw new java.net.BindException("Address already in use: 127.0.0.1:8080");
        });
  }
}
