package dev.paved.maven;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.jspecify.annotations.Nullable;

/**
 * {@code paved:build-info} — records the service's version from the build into {@code
 * META-INF/paved/build-info.properties} on its classpath, so that {@code platform.service.version}
 * is the pom's version unless {@code platform.yaml}, the environment or the builder say otherwise:
 * in logs, {@code /info}, traces' {@code service.version}, the catalog entity and the manifests'
 * labels. As Spring Boot's {@code build-info}; no time stamp, so builds stay reproducible.
 */
@Mojo(name = "build-info", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, threadSafe = true)
public final class BuildInfoMojo extends AbstractMojo {
  @Parameter(defaultValue = "${project.version}", readonly = true, required = true)
  private @Nullable String version;

  @Parameter(defaultValue = "${project.groupId}:${project.artifactId}", readonly = true, required = true)
  private @Nullable String artifact;

  @Parameter(defaultValue = "${project.build.outputDirectory}", readonly = true, required = true)
  private @Nullable File classes;

  /** Skips the goal. */
  @Parameter(property = "paved.skip", defaultValue = "false")
  private boolean skip;

  @Override
  public void execute() throws MojoExecutionException {
    File out = classes;
    if (skip || out == null || version == null) {
      return;
    }
    Path file = out.toPath().resolve("META-INF/paved/build-info.properties");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, "# Written by paved:build-info\nservice.version=" + version + "\nservice.artifact=" + artifact + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MojoExecutionException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
