package dev.paved.maven;

import dev.paved.core.ConfigException;
import dev.paved.core.Platform;
import dev.paved.slo.PrometheusRules;
import dev.paved.slo.Slo;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * {@code paved:slo} — writes the Prometheus rules of the service's SLOs (multi-window
 * multi-burn-rate alerts and their recording rules) to {@code target/platform/slo.rules.yml} and
 * as a {@code PrometheusRule} resource to {@code target/platform/slo-prometheusrule.yaml}. Bad SLO
 * declarations fail the build naming the SLO and the fix; a service without SLOs gets no files.
 */
@Mojo(name = "slo", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, requiresDependencyResolution = ResolutionScope.RUNTIME, threadSafe = true)
public final class SloMojo extends AbstractMojo {
  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private @Nullable MavenProject project;

  /** Where the files are written. */
  @Parameter(property = "paved.slo.outputDirectory", defaultValue = "${project.build.directory}/platform")
  private @Nullable File outputDirectory;

  /** Skips the goal. */
  @Parameter(property = "paved.slo.skip", defaultValue = "false")
  private boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipping paved:slo");
      return;
    }
    MavenProject p = project;
    File out = outputDirectory;
    if (p == null || out == null) {
      throw new MojoExecutionException("paved:slo runs inside a Maven project");
    }
    List<URL> urls = new ArrayList<>();
    try {
      for (String element : p.getRuntimeClasspathElements()) {
        urls.add(new File(element).toURI().toURL());
      }
    } catch (DependencyResolutionRequiredException | MalformedURLException e) {
      throw new MojoExecutionException("The project's runtime classpath is not available: " + e.getMessage(), e);
    }
    try (URLClassLoader service = new URLClassLoader(urls.toArray(new URL[0]), getClass().getClassLoader())) {
      Platform.Description d = Platform.builder().classLoader(service).environment(Map.of()).systemProperties(Map.of()).describe();
      List<Slo> slos = Slo.fromConfig(d.config());
      if (slos.isEmpty()) {
        getLog().info("No SLOs declared (platform.slo.objectives); nothing to write");
        return;
      }
      Path dir = out.toPath();
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("slo.rules.yml"), PrometheusRules.rulesFile(d.descriptor(), slos), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("slo-prometheusrule.yaml"), PrometheusRules.prometheusRule(d.descriptor(), slos), StandardCharsets.UTF_8);
      getLog().info("Wrote the rules of " + slos.size() + " SLOs to " + dir);
    } catch (ConfigException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException("Cannot write " + out + ": " + e.getMessage(), e);
    }
  }
}
