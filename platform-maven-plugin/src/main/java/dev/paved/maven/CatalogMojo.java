package dev.paved.maven;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paved.catalog.CatalogEntities;
import dev.paved.catalog.CatalogException;
import dev.paved.core.Platform;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * {@code paved:catalog} — writes the service's Backstage entities to {@code
 * target/platform/catalog-info.yaml}, from its descriptor as the service would read it at start-up.
 * Bad input fails the build with every problem, each naming the field and the fix.
 */
@Mojo(name = "catalog", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, requiresDependencyResolution = ResolutionScope.RUNTIME, threadSafe = true)
public final class CatalogMojo extends ServiceMojo {
  @Override
  void generate(Platform.Description service, URLClassLoader classpath, Path out) throws IOException, MojoFailureException {
    boolean observability = classpath.getResource("dev/paved/observability/ObservabilityModule.class") != null;
    try {
      List<ObjectNode> entities = CatalogEntities.forService(service.descriptor(), service.config(), observability);
      Path file = CatalogEntities.write(entities, out);
      getLog().info("Wrote " + file + " (" + entities.size() + (entities.size() == 1 ? " entity)" : " entities)"));
    } catch (CatalogException e) {
      throw new MojoFailureException(e.getMessage(), e);
    }
  }
}
