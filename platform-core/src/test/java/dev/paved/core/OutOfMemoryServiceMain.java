package dev.paved.core;

/**
 * A started service in which a thread dies of an OutOfMemoryError (as the JDK server's dispatcher
 * did under a memory attack), run as a real process by {@link PlatformRunTest}.
 */
public final class OutOfMemoryServiceMain {
  private OutOfMemoryServiceMain() {}

  public static void main(String[] args) {
    Platform.run(
        TestPlatforms.isolated(),
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
