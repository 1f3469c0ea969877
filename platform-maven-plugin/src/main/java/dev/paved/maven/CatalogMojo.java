package dev.paved.maven;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paved.catalog.CatalogEntities;
import dev.paved.catalog.CatalogException;
import dev.paved.core.ConfigException;
import dev.paved.core.Platform;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;
import org.jspecify.annotations.Nullable;

/**
 * {@code paved:catalog} — writes the service's Backstage entities to {@code
 * target/platform/catalog-info.yaml}, from its descriptor as the service would read it at start-up
 * (its {@code platform.yaml} and the keys of every Paved module on its runtime classpath). Bad
 * input fails the build with every problem, each naming the field and the fix.
 */
@Mojo(name = "catalog", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, requiresDependencyResolution = ResolutionScope.RUNTIME, threadSafe = true)
public final class CatalogMojo extends AbstractMojo {
  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private @Nullable MavenProject project;

  /** Where {@code catalog-info.yaml} is written. */
  @Parameter(property = "paved.catalog.outputDirectory", defaultValue = "${project.build.directory}/platform")
  private @Nullable File outputDirectory;

  /** Skips the goal. */
  @Parameter(property = "paved.catalog.skip", defaultValue = "false")
  private boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipping paved:catalog");
      return;
    }
    MavenProject p = project;
    File out = outputDirectory;
    if (p == null || out == null) {
      throw new MojoExecutionException("paved:catalog runs inside a Maven project");
    }
    List<URL> urls = new ArrayList<>();
    try {
      for (String element : p.getRuntimeClasspathElements()) {
        urls.add(new File(element).toURI().toURL());
      }
    } catch (DependencyResolutionRequiredException | MalformedURLException e) {
      throw new MojoExecutionException("The project's runtime classpath is not available: " + e.getMessage(), e);
    }
    // Paved's classes come from this plugin; the service's resources and modules from its classpath.
    try (URLClassLoader service = new URLClassLoader(urls.toArray(new URL[0]), getClass().getClassLoader())) {
      Platform.Description d =
          Platform.builder().classLoader(service).environment(Map.of()).systemProperties(Map.of()).describe();
      boolean observability = service.getResource("dev/paved/observability/ObservabilityModule.class") != null;
      List<ObjectNode> entities = CatalogEntities.forService(d.descriptor(), d.config(), observability);
      Path file = CatalogEntities.write(entities, out.toPath());
      getLog().info("Wrote " + file + " (" + entities.size() + (entities.size() == 1 ? " entity)" : " entities)"));
    } catch (CatalogException | ConfigException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException("Cannot write " + out + ": " + e.getMessage(), e);
    }
  }
}
