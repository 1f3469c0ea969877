package dev.paved.tests.builds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What the builds of maven-invoker-plugin (this module's pom) produced: a new service — a 25-line
 * pom naming the parent, the starter and the test kit — built from the installed artifacts with
 * Maven 3.9 and with Maven 3.8.8, the example built as the README does, and the builds the parent
 * refuses. No registry is reachable from this machine, so the images are built on Jib's {@code
 * scratch} base (each project's {@code .mvn/maven.config} says so); the archive is inspected, not run.
 */
class ServiceBuildsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path TARGET = Path.of("target");
  private static final String PAVED = System.getProperty("paved.version", "");

  private static Path newService(String maven) {
    return TARGET.resolve("it-maven-" + maven).resolve("new-service");
  }

  @ParameterizedTest
  @ValueSource(strings = {"3.9", "3.8"})
  void aNewServiceWithA25LinePomBuildsRunsItsTestsAndProducesEveryArtifact(String maven) throws IOException {
    Path project = newService(maven);
    String log = Files.readString(project.resolve("build.log"));
    assertThat(log).as("the build ran with Maven " + maven).containsPattern("Apache Maven " + Pattern.quote(maven) + "\\.\\d+");
    assertThat(Files.readAllLines(project.resolve("pom.xml"))).hasSizeLessThanOrEqualTo(25);

    assertThat(testsRun(project.resolve("target/surefire-reports"))).as("unit tests (JUnit 5) that ran").isGreaterThan(0);
    assertThat(testsRun(project.resolve("target/failsafe-reports"))).as("integration tests (the jar as a process)").isGreaterThan(0);

    Path jar = project.resolve("target/greetings.jar");
    try (JarFile j = new JarFile(jar.toFile())) {
      assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("com.example.greetings.GreetingsMain");
      // Every module's registration survives shading, merged into one file.
      String modules = new String(j.getInputStream(j.getEntry("META-INF/services/dev.paved.core.spi.PlatformModule")).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(modules).contains("ObservabilityModule").contains("ResilienceModule").contains("FlagsModule").contains("SecretsModule").contains("SloModule");
    }

    Image image = Image.read(project.resolve("target/jib-image.tar"));
    assertThat(image.config.at("/config/User").asText()).isEqualTo("65532:65532");
    assertThat(image.config.at("/config/Entrypoint").toString())
        .contains("java")
        .contains("-XX:MaxRAMPercentage=75.0")
        .contains("-XX:+ExitOnOutOfMemoryError")
        .contains("com.example.greetings.GreetingsMain");
    JsonNode labels = image.config.at("/config/Labels");
    assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo("1.0.0");
    assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo("greetings");
    assertThat(labels.path("org.opencontainers.image.source").asText()).as("from platform.yaml's links.repository").isEqualTo("https://example.com/greetings");
    assertThat(labels.path("dev.paved.version").asText()).isEqualTo(PAVED);
    assertThat(image.layers).as("dependencies, resources and classes in layers of their own").hasSizeGreaterThanOrEqualTo(3);
    assertThat(image.layerWith("app/classes/com/example/greetings/GreetingsMain.class")).isNotEqualTo(image.layerWith("app/libs/platform-core-" + PAVED + ".jar"));

    JsonNode sbom = JSON.readTree(project.resolve("target/bom.json").toFile());
    assertThat(sbom.path("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(sbom.at("/metadata/component/name").asText()).isEqualTo("greetings");
    assertThat(sbom.path("components").findValuesAsText("purl")).anyMatch(p -> p.startsWith("pkg:maven/dev.paved/platform-core@"));

    assertThat(project.resolve("target/platform/catalog-info.yaml")).content()
        .contains("name: greetings")
        .contains("owner: group:team-greetings")
        .as("the pom's version, recorded by paved:build-info").contains("paved.dev/version: 1.0.0")
        .contains("runbook-linked=pass");
    assertThat(project.resolve("target/platform/kubernetes/production/deployment.yaml")).content()
        .contains("app.kubernetes.io/version: 1.0.0")
        .contains("paved.dev/sdk-version: " + PAVED)
        .contains("image: greetings:1.0.0");
    assertThat(project.resolve("target/platform/runbook.md")).content().contains("# Runbook: greetings").contains("### SLO availability: page");
  }

  /** docs/getting-started.md shows this project's files as they are: a reader copies what CI built. */
  @Test
  void gettingStartedShowsTheNewServiceAsItIs() throws IOException {
    String page = Files.readString(Path.of(System.getProperty("docs.dir", "../../docs")).resolve("getting-started.md"));
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("```(?:xml|yaml|java)\\n(.*?)```", Pattern.DOTALL).matcher(page);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    Path project = Path.of("src", "it", "new-service");
    assertThat(blocks)
        .containsSubsequence(
            Files.readString(project.resolve("pom.xml")).replace("@project.version@", PAVED),
            Files.readString(project.resolve("src/main/resources/platform.yaml")),
            Files.readString(project.resolve("src/main/java/com/example/greetings/GreetingsMain.java")),
            Files.readString(project.resolve("src/test/java/com/example/greetings/GreetingsTest.java")),
            Files.readString(project.resolve("src/test/java/com/example/greetings/GreetingsIT.java")));
  }

  /** A team with a corporate parent: the BOM import and the documented build block give the same. */
  @Test
  void aServiceUnderACorporateParentGetsTheSameBuildFromTheDocumentedBlock() throws IOException {
    Path project = TARGET.resolve("it-maven-3.9/corporate-parent");
    String pom = Files.readString(Path.of("src/it/corporate-parent/pom.xml")).replace("@project.version@", PAVED);
    // The block is the service parent's, execution for execution: a change there must be made here.
    String parent = Files.readString(Path.of("../../platform-service-parent/pom.xml"));
    String plugins = parent.substring(parent.indexOf("    <plugins>"), parent.indexOf("  <profiles>"));
    Matcher executions = Pattern.compile("        <executions>.*?        </executions>\\n", Pattern.DOTALL).matcher(plugins);
    int count = 0;
    while (executions.find()) {
      assertThat(pom).as("the corporate block carries the parent's execution").contains(executions.group());
      count++;
    }
    assertThat(count).isGreaterThanOrEqualTo(5);
    assertThat(Files.readString(Path.of(System.getProperty("docs.dir", "../../docs")).resolve("build.md"))).as("docs/build.md shows it as it is").contains(pom);
    assertThat(testsRun(project.resolve("target/surefire-reports"))).isGreaterThan(0);
    try (JarFile j = new JarFile(project.resolve("target/corp-service.jar").toFile())) {
      assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("com.example.corp.CorpMain");
      assertThat(j.getEntry("META-INF/services/dev.paved.core.spi.PlatformModule")).isNotNull();
    }
    Image image = Image.read(project.resolve("target/jib-image.tar"));
    assertThat(image.config.at("/config/User").asText()).isEqualTo("65532:65532");
    assertThat(image.config.at("/config/Labels").path("dev.paved.version").asText()).isEqualTo(PAVED);
    assertThat(project.resolve("target/bom.json")).exists();
    assertThat(project.resolve("target/platform/catalog-info.yaml")).exists();
    assertThat(project.resolve("target/platform/runbook.md")).exists();
  }

  @Test
  void theExampleBuildsFromTheParentAndTheStarterAsTheReadmeSays() throws IOException {
    Path example = Path.of(System.getProperty("examples.dir", "../../examples")).resolve("http-api");
    assertThat(Files.readString(example.resolve("pom.xml"))).contains("<artifactId>platform-service-parent</artifactId>").doesNotContain("relativePath").doesNotContain("<plugin>");
    assertThat(testsRun(example.resolve("target/surefire-reports"))).isGreaterThan(0);
    assertThat(testsRun(example.resolve("target/failsafe-reports"))).isGreaterThan(0);
    assertThat(example.resolve("target/http-api.jar")).exists();
    assertThat(example.resolve("target/jib-image.tar")).exists();
    assertThat(example.resolve("target/bom.json")).exists();
    assertThat(example.resolve("target/platform/slo.rules.yml")).exists();
  }

  /**
   * The example sets {@code paved.cds}: its build ended with a training run and wrote an AppCDS
   * archive. {@code -Xshare:on} makes the JVM refuse to start when it cannot map the archive, so a
   * start here proves the archive fits this JVM and this jar; the class-loading log shows Paved's
   * and the service's classes come from it (issue #22).
   */
  @Test
  void theExampleStartsFromTheClassDataSharingArchiveItsBuildWrote() throws Exception {
    Path target = Path.of(System.getProperty("examples.dir", "../../examples")).resolve("http-api/target");
    assertThat(target.resolve("http-api.jsa")).exists();
    assertThat(Files.readString(target.resolve("http-api-cds-training.log"))).contains("Training run (paved.training-run=true): the service started; shutting down");
    ProcessBuilder run =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:on",
                "-XX:SharedArchiveFile=http-api.jsa",
                "-Xlog:class+load=info",
                "-Dpaved.training-run=true",
                "-jar",
                "http-api.jar")
            .directory(target.toFile())
            .redirectErrorStream(true)
            .redirectOutput(TARGET.resolve("example-from-archive.log").toFile());
    run.environment().putAll(Map.of("HTTP_PORT", "0", "PLATFORM_ADMIN_PORT", "0", "PLATFORM_SHUTDOWN_DRAIN", "0s"));
    Process process = run.start();
    boolean exited = process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String output = Files.readString(TARGET.resolve("example-from-archive.log"));
    assertThat(exited).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("dev.paved.core.Platform source: shared objects file (top)")
        .contains("dev.paved.examples.httpapi.OrdersApi source: shared objects file (top)")
        .contains("Training run (paved.training-run=true)");
  }

  /** A training run whose service cannot start stops the build with the platform's own reason, and leaves no archive. */
  @Test
  void aTrainingRunThatCannotStartTheServiceFailsTheBuildSayingWhy() throws IOException {
    Path project = TARGET.resolve("it-maven-3.9/cds-training-fails");
    String log = Files.readString(project.resolve("build.log"));
    assertThat(log)
        .contains("paved:cds: the training run exited with 2: the service did not start on the build machine; give it what it needs with paved.cds.environment")
        .contains("Why: ")
        .contains("the orders database is not reachable");
    assertThat(project.resolve("target/cds-training-fails.jar")).exists();
    assertThat(project.resolve("target/cds-training-fails.jsa")).doesNotExist();
  }

  @Test
  void aServiceWithoutAMainClassIsStoppedSayingWhatToSet() throws IOException {
    String log = Files.readString(TARGET.resolve("it-maven-3.9/no-main-class/build.log"));
    assertThat(log).contains("Set the service's main class: <properties><paved.main.class>com.example.orders.OrdersMain</paved.main.class></properties>");
    assertThat(log).doesNotContain("Tests run:");
  }

  @Test
  void aSecondLoggingBindingIsRefusedByName() throws IOException {
    String log = Files.readString(TARGET.resolve("it-maven-3.9/banned-logging/build.log"));
    assertThat(log)
        .contains("org.slf4j:slf4j-simple:jar:2.0.17")
        .contains("Banned by Paved. A second logging binding or logging API")
        .contains("exclude it from the dependency that brings it");
  }

  @Test
  void declarationsThatCannotBecomeManifestsStopTheBuildNamingKeySourceAndFix() throws IOException {
    String log = Files.readString(TARGET.resolve("it-maven-3.9/bad-deploy/build.log"));
    assertThat(log)
        .contains("Invalid Paved configuration: 3 problems")
        .contains("platform.deploy.environments.Prod_EU (")
        .contains("platform.deploy.environments.Prod_EU (platform.yaml:13:")
        .contains("platform.deploy.dependencies.ledger.port (platform.yaml:7:")
        .contains("'Prod_EU': not a valid environment name")
        .contains("platform.deploy.resources.memory (")
        .contains("'lots': not a positive Kubernetes quantity")
        .contains("platform.deploy.dependencies.ledger.port")
        .contains("set platform.deploy.dependencies.ledger.port");
    assertThat(TARGET.resolve("it-maven-3.9/bad-deploy/target/platform/kubernetes")).doesNotExist();
  }

  /** The tests Surefire or Failsafe ran, from its XML reports. */
  private static int testsRun(Path reports) throws IOException {
    assertThat(reports).isDirectory();
    Pattern tests = Pattern.compile("<testsuite[^>]*\\btests=\"(\\d+)\"");
    int total = 0;
    try (Stream<Path> files = Files.list(reports)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("TEST-")).toList()) {
        Matcher m = tests.matcher(Files.readString(f));
        if (m.find()) {
          total += Integer.parseInt(m.group(1));
        }
      }
    }
    return total;
  }

  /** An image archive as Jib writes it (an OCI layout, or Docker's manifest.json), read in Java. */
  private record Image(JsonNode config, List<String> layers, Map<String, byte[]> blobs) {
    static Image read(Path tar) throws IOException {
      Map<String, byte[]> files = Tar.read(tar);
      JsonNode config;
      List<String> layers = new ArrayList<>();
      if (files.containsKey("index.json")) {
        JsonNode index = JSON.readTree(files.get("index.json"));
        JsonNode manifest = JSON.readTree(blob(files, index.at("/manifests/0/digest").asText()));
        config = JSON.readTree(blob(files, manifest.at("/config/digest").asText()));
        manifest.path("layers").forEach(l -> layers.add(l.path("digest").asText()));
      } else {
        JsonNode manifest = JSON.readTree(files.get("manifest.json")).path(0);
        config = JSON.readTree(files.get(manifest.path("Config").asText()));
        manifest.path("Layers").forEach(l -> layers.add(l.asText()));
      }
      return new Image(config, layers, files);
    }

    private static byte[] blob(Map<String, byte[]> files, String digest) {
      byte[] b = files.get("blobs/" + digest.replace(':', '/'));
      assertThat(b).as("blob " + digest).isNotNull();
      return b;
    }

    /** The index of the layer that holds {@code path}; -1 if none. */
    int layerWith(String path) throws IOException {
      for (int i = 0; i < layers.size(); i++) {
        String d = layers.get(i);
        byte[] gz = blobs.containsKey(d) ? blobs.get(d) : blobs.get("blobs/" + d.replace(':', '/'));
        try (InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
          if (Tar.read(in.readAllBytes()).keySet().stream().anyMatch(n -> n.equals(path) || n.equals("/" + path))) {
            return i;
          }
        }
      }
      return -1;
    }
  }

  /** The ustar format, as far as an image archive needs: regular files by name. */
  private static final class Tar {
    static Map<String, byte[]> read(Path tar) throws IOException {
      return read(Files.readAllBytes(tar));
    }

    static Map<String, byte[]> read(byte[] bytes) {
      Map<String, byte[]> out = new HashMap<>();
      int at = 0;
      String longName = null;
      while (at + 512 <= bytes.length && bytes[at] != 0) {
        String name = text(bytes, at, 100);
        String prefix = text(bytes, at + 345, 155);
        long size = Long.parseLong(text(bytes, at + 124, 12).trim().isEmpty() ? "0" : text(bytes, at + 124, 12).trim(), 8);
        char type = (char) bytes[at + 156];
        byte[] content = java.util.Arrays.copyOfRange(bytes, at + 512, at + 512 + (int) size);
        if (type == 'L') {
          longName = new String(content, StandardCharsets.UTF_8).replace("\0", "");
        } else {
          String full = longName != null ? longName : prefix.isEmpty() ? name : prefix + "/" + name;
          longName = null;
          if (type == '0' || type == 0) {
            out.put(full.startsWith("./") ? full.substring(2) : full, content);
          }
        }
        at += 512 + (int) ((size + 511) / 512 * 512);
      }
      return out;
    }

    private static String text(byte[] b, int from, int length) {
      int end = from;
      while (end < from + length && b[end] != 0) {
        end++;
      }
      return new String(b, from, end - from, StandardCharsets.US_ASCII);
    }
  }
}
