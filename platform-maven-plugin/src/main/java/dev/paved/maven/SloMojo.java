package dev.paved.maven;

import dev.paved.core.Platform;
import dev.paved.slo.internal.GrafanaDashboard;
import dev.paved.slo.internal.OpenSlo;
import dev.paved.slo.internal.PrometheusRules;
import dev.paved.slo.Slo;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * {@code paved:slo} — writes the Prometheus rules of the service's SLOs (multi-window
 * multi-burn-rate alerts and their recording rules) to {@code target/platform/slo.rules.yml} and
 * as a {@code PrometheusRule} resource to {@code target/platform/slo-prometheusrule.yaml}, the
 * OpenSLO v1 documents to {@code openslo.yaml} and a Grafana dashboard to {@code
 * grafana-dashboard.json}. Bad SLO
 * declarations fail the build naming the SLO and the fix; a service without SLOs gets no files.
 */
@Mojo(name = "slo", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, requiresDependencyResolution = ResolutionScope.RUNTIME, threadSafe = true)
public final class SloMojo extends ServiceMojo {
  @Override
  void generate(Platform.Description service, URLClassLoader classpath, Path out) throws IOException {
    List<Slo> slos = Slo.fromConfig(service.config());
    if (slos.isEmpty()) {
      getLog().info("No SLOs declared (platform.slo.objectives); nothing to write");
      return;
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("slo.rules.yml"), PrometheusRules.rulesFile(service.descriptor(), slos), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("slo-prometheusrule.yaml"), PrometheusRules.prometheusRule(service.descriptor(), slos), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("openslo.yaml"), OpenSlo.documents(service.descriptor(), slos), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("grafana-dashboard.json"), GrafanaDashboard.json(service.descriptor(), slos), StandardCharsets.UTF_8);
    getLog().info("Wrote the rules, OpenSLO documents and dashboard of " + slos.size() + " SLOs to " + out);
  }
}
