package dev.paved.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paved.core.ConfigException;
import dev.paved.core.Platform;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes {@code catalog-info.yaml} for the service on the classpath: {@code java -cp <service
 * classpath> dev.paved.catalog.Generate [output-dir]} (default {@code target/platform}). Reads the
 * service's configuration as at start-up ({@link Platform.Builder#describe()}), without starting
 * anything. Exit 2 with every problem when the entities cannot be generated.
 */
public final class Generate {
  private Generate() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/platform");
    try {
      // Read and checked as at start-up, with every module's keys; nothing is started.
      Platform.Description service = Platform.builder().describe();
      List<ObjectNode> entities = CatalogEntities.forService(service.descriptor(), service.config(), hasObservability());
      Path file = CatalogEntities.write(entities, out);
      System.out.println("Wrote " + file + ": " + CatalogEntities.summary(entities).keySet());
    } catch (CatalogException | ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
  }

  /** Whether the service has platform-observability (the golden path's telemetry). */
  private static boolean hasObservability() {
    try {
      Class.forName("dev.paved.observability.ObservabilityModule", false, Generate.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
