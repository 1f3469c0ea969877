package dev.paved.spring;

import dev.paved.core.Platform;
import org.springframework.context.SmartLifecycle;

/**
 * Paved's shutdown phases aligned with Spring's: this lifecycle stops first (its phase is one
 * above Spring Boot's {@code WebServerGracefulShutdownLifecycle}) and runs Paved's
 * {@code readiness-down} and {@code drain} while the web server still serves; then Spring's
 * graceful shutdown stops accepting and waits for the requests in progress; then, when the
 * context destroys its beans, {@link Platform#close()} runs {@code in-flight}, {@code modules}
 * (telemetry flushed) and {@code admin}.
 */
final class PavedShutdown implements SmartLifecycle {
  /** One above {@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}: stopped before it. */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024 + 1;

  private final Platform platform;
  private volatile boolean running;

  PavedShutdown(Platform platform) {
    this.platform = platform;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    platform.beginShutdown();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
