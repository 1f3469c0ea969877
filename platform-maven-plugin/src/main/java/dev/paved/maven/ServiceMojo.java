package dev.paved.maven;

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
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.jspecify.annotations.Nullable;

/**
 * What every Paved goal shares: the service's description — its descriptor and configuration
 * read as start-up would, from its runtime classpath (its {@code platform.yaml} and the keys of
 * every Paved module on it), without the build machine's environment — and the output directory.
 */
abstract class ServiceMojo extends AbstractMojo {
  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private @Nullable MavenProject project;

  /** Where the goal writes, {@code target/platform} by default. */
  @Parameter(property = "paved.outputDirectory", defaultValue = "${project.build.directory}/platform")
  private @Nullable File outputDirectory;

  /** Skips the goal. */
  @Parameter(property = "paved.skip", defaultValue = "false")
  private boolean skip;

  /** Writes the goal's files from the service's description into {@code out}. */
  abstract void generate(Platform.Description service, URLClassLoader classpath, Path out) throws IOException, MojoFailureException;

  /** What a Spring Boot service's own files and controllers add ({@link SpringBootProject}). */
  private Map<String, SpringBootProject.Value> spring = Map.of();

  /** The service as start-up would read it with {@code environment} and no system properties. */
  Platform.Description describe(URLClassLoader service, Map<String, String> environment) {
    Platform.Builder builder = Platform.builder().classLoader(service).environment(environment).systemProperties(Map.of());
    spring.forEach((k, v) -> builder.property(k, v.value(), v.source()));
    return builder.describe();
  }

  /**
   * Sets {@code paved.image.source} for the image's {@code org.opencontainers.image.source} label
   * (the service parent's Jib configuration reads it): the descriptor's {@code links.repository},
   * else the project's SCM URL, else empty. A value the build already has wins.
   */
  private static void exposeSource(MavenProject p, Platform.Description d) {
    if (p.getProperties().containsKey("paved.image.source")) {
      return;
    }
    java.net.URI repository = d.descriptor().links().get("repository");
    String scm = p.getScm() == null ? null : p.getScm().getUrl();
    p.getProperties().setProperty("paved.image.source", repository != null ? repository.toString() : scm != null ? scm : "");
  }

  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    MavenProject p = project;
    if (skip) {
      getLog().info("Skipping");
      if (p != null && !p.getProperties().containsKey("paved.image.source")) {
        // The image's source label still resolves (to the SCM URL, or empty) without the descriptor.
        p.getProperties().setProperty("paved.image.source", p.getScm() == null || p.getScm().getUrl() == null ? "" : p.getScm().getUrl());
      }
      return;
    }
    File out = outputDirectory;
    if (p == null || out == null) {
      throw new MojoExecutionException("Paved's goals run inside a Maven project");
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
      spring = SpringBootProject.properties(service, Path.of(p.getBuild().getOutputDirectory()), getLog());
      if (!spring.isEmpty()) {
        getLog().info("Paved: a Spring Boot service; read " + spring.keySet().size() + " keys of its application configuration and controllers");
      }
      Platform.Description d = describe(service, Map.of());
      exposeSource(p, d);
      generate(d, service, out.toPath());
    } catch (ConfigException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException("Cannot write " + out + ": " + e.getMessage(), e);
    }
  }
}
