package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private final Map<String, String> env = new HashMap<>();
  private final Map<String, String> props = new HashMap<>();
  private final Map<String, String> overrides = new HashMap<>();

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  private ClassLoader classpath() throws IOException {
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
  }

  private ConfigLoader.Result load() throws IOException {
    return ConfigLoader.load(new ConfigLoader.Inputs(env, props, overrides, classpath()), CoreSettings.keys());
  }

  private PlatformConfig config() throws IOException {
    ConfigLoader.Result r = load();
    assertThat(r.problems()).isEmpty();
    return r.config();
  }

  // --- precedence ---------------------------------------------------------------------------

  @Test
  void builtInDefaultIsLowestLayer() throws Exception {
    ConfigValue v = config().value("platform.admin.port").orElseThrow();
    assertThat(v.value()).isEqualTo("8081");
    assertThat(v.source()).isEqualTo("default");
  }

  @Test
  void aHostsDefaultIsBelowEveryFileAndVariableButAboveTheBuiltInOne() throws Exception {
    Map<String, ConfigValue> host = Map.of("platform.admin.port", new ConfigValue("platform.admin.port", "7000", "spring: the host"));
    ConfigLoader.Result alone = ConfigLoader.load(new ConfigLoader.Inputs(env, props, overrides, classpath(), List.of(), Map.of(), host), CoreSettings.keys());
    assertThat(alone.config().value("platform.admin.port").orElseThrow()).extracting(ConfigValue::value, ConfigValue::source).containsExactly("7000", "spring: the host");

    write("platform.yaml", "platform:\n  admin:\n    port: 9000\n");
    ConfigLoader.Result file = ConfigLoader.load(new ConfigLoader.Inputs(env, props, overrides, classpath(), List.of(), Map.of(), host), CoreSettings.keys());
    assertThat(file.config().value("platform.admin.port").orElseThrow().value()).as("platform.yaml wins over the host's default").isEqualTo("9000");
  }

  @Test
  void aBuilderValueKeepsTheSourceItWasGiven() throws Exception {
    overrides.put("platform.admin.port", "7100");
    ConfigLoader.Result r =
        ConfigLoader.load(
            new ConfigLoader.Inputs(env, props, overrides, classpath(), List.of(), Map.of("platform.admin.port", "spring: application.yaml - 3:11"), Map.of()),
            CoreSettings.keys());
    assertThat(r.config().value("platform.admin.port").orElseThrow().source()).isEqualTo("spring: application.yaml - 3:11");
  }

  @Test
  void classpathFileOverridesDefaults() throws Exception {
    write("platform.yaml", "platform:\n  admin:\n    port: 9000\n");
    ConfigValue v = config().value("platform.admin.port").orElseThrow();
    assertThat(v.value()).isEqualTo("9000");
    assertThat(v.source()).isEqualTo("platform.yaml:3:11");
  }

  @Test
  void environmentFileOverridesBaseFile() throws Exception {
    write("platform.yaml", "platform:\n  service:\n    environment: staging\n  admin:\n    port: 9000\n");
    write("platform-staging.yaml", "platform:\n  admin:\n    port: 9001\n");
    write("platform-production.yaml", "platform:\n  admin:\n    port: 9999\n");
    PlatformConfig c = config();
    assertThat(c.getInt("platform.admin.port", 0)).isEqualTo(9001);
    assertThat(c.value("platform.admin.port").orElseThrow().source()).isEqualTo("platform-staging.yaml:3:11");
  }

  @Test
  void environmentVariableChoosesTheEnvironmentFile() throws Exception {
    write("platform.yaml", "platform:\n  service:\n    environment: staging\n");
    write("platform-production.yaml", "platform:\n  admin:\n    port: 9999\n");
    env.put("PLATFORM_SERVICE_ENVIRONMENT", "production");
    assertThat(config().getInt("platform.admin.port", 0)).isEqualTo(9999);
  }

  @Test
  void environmentVariableOverridesFiles() throws Exception {
    write("platform.yaml", "platform:\n  admin:\n    port: 9000\n");
    env.put("PLATFORM_ADMIN_PORT", "9100");
    ConfigValue v = config().value("platform.admin.port").orElseThrow();
    assertThat(v.value()).isEqualTo("9100");
    assertThat(v.source()).isEqualTo("environment variable PLATFORM_ADMIN_PORT");
  }

  @Test
  void environmentVariableMapsDashesAndWildcardSegments() throws Exception {
    env.put("PLATFORM_ADMIN_BIND_ADDRESS", "127.0.0.1");
    env.put("PLATFORM_SERVICE_DEPENDENCIES_PAYMENT_GATEWAY_KIND", "grpc");
    PlatformConfig c = config();
    assertThat(c.getString("platform.admin.bind-address")).contains("127.0.0.1");
    assertThat(c.getString("platform.service.dependencies.payment-gateway.kind")).contains("grpc");
  }

  @Test
  void systemPropertyOverridesEnvironmentVariable() throws Exception {
    env.put("PLATFORM_ADMIN_PORT", "9100");
    props.put("platform.admin.port", "9200");
    ConfigValue v = config().value("platform.admin.port").orElseThrow();
    assertThat(v.value()).isEqualTo("9200");
    assertThat(v.source()).isEqualTo("system property platform.admin.port");
  }

  @Test
  void builderOverrideOutranksEverything() throws Exception {
    write("platform.yaml", "platform:\n  admin:\n    port: 9000\n");
    env.put("PLATFORM_ADMIN_PORT", "9100");
    props.put("platform.admin.port", "9200");
    overrides.put("platform.admin.port", "0");
    ConfigValue v = config().value("platform.admin.port").orElseThrow();
    assertThat(v.value()).isEqualTo("0");
    assertThat(v.source()).isEqualTo("builder");
  }

  @Test
  void configFileVariableReplacesClasspathFileAndFindsItsEnvironmentFileBesideIt() throws Exception {
    write("platform.yaml", "platform:\n  admin:\n    port: 1111\n");
    Path other = Files.createDirectories(dir.resolve("etc"));
    Files.writeString(other.resolve("service.yaml"), "platform:\n  service:\n    environment: dev\n  admin:\n    port: 2222\n");
    Files.writeString(other.resolve("platform-dev.yaml"), "platform:\n  admin:\n    threads: 3\n");
    env.put("PLATFORM_CONFIG", other.resolve("service.yaml").toString());
    PlatformConfig c = config();
    assertThat(c.getInt("platform.admin.port", 0)).isEqualTo(2222);
    assertThat(c.getInt("platform.admin.threads", 0)).isEqualTo(3);
    assertThat(c.value("platform.admin.port").orElseThrow().source()).endsWith("service.yaml:5:11");
  }

  @Test
  void missingConfigFileIsAProblemNamingTheVariable() throws Exception {
    env.put("PLATFORM_CONFIG", dir.resolve("nope.yaml").toString());
    ConfigProblem p = load().problems().get(0);
    assertThat(p.source()).isEqualTo("environment variable PLATFORM_CONFIG");
    assertThat(p.problem()).contains("nope.yaml").contains("does not exist");
  }

  @Test
  void serviceKeysAreOverriddenByTheirEnvironmentVariable() throws Exception {
    write("platform.yaml", "checkout:\n  max-items: 10\n");
    env.put("CHECKOUT_MAX_ITEMS", "25");
    PlatformConfig c = config();
    assertThat(c.getInt("checkout.max-items", 0)).isEqualTo(25);
    assertThat(c.value("checkout.max-items").orElseThrow().source()).isEqualTo("environment variable CHECKOUT_MAX_ITEMS");
  }

  @Test
  void serviceKeysAbsentFromFilesAreLookedUpInTheEnvironment() throws Exception {
    env.put("CHECKOUT_CURRENCY", "EUR");
    assertThat(config().getString("checkout.currency")).contains("EUR");
  }

  @Test
  void listFromHigherLayerReplacesWholeListBelow() throws Exception {
    write("platform.yaml", "app:\n  regions: [eu, us, ap]\n");
    env.put("APP_REGIONS", "eu");
    assertThat(config().getList("app.regions")).containsExactly("eu");
    props.put("app.regions", "sa, af");
    assertThat(config().getList("app.regions")).containsExactly("sa", "af");
  }

  // --- OpenTelemetry's standard variables ---------------------------------------------------

  @Test
  void otelServiceNameAndResourceAttributesSetTheDescriptor() throws Exception {
    write("platform.yaml", "platform:\n  service:\n    name: from-file\n");
    env.put("OTEL_SERVICE_NAME", "from-otel");
    env.put("OTEL_RESOURCE_ATTRIBUTES", "service.version=2.1.0,service.namespace=shop,deployment.environment.name=staging");
    PlatformConfig c = config();
    assertThat(c.value("platform.service.name").orElseThrow().source()).isEqualTo("environment variable OTEL_SERVICE_NAME");
    assertThat(c.getString("platform.service.name")).contains("from-otel");
    assertThat(c.getString("platform.service.version")).contains("2.1.0");
    assertThat(c.getString("platform.service.system")).contains("shop");
    assertThat(c.getString("platform.service.environment")).contains("staging");
  }

  @Test
  void platformVariableOutranksOtelVariable() throws Exception {
    env.put("OTEL_SERVICE_NAME", "from-otel");
    env.put("PLATFORM_SERVICE_NAME", "from-platform");
    assertThat(config().getString("platform.service.name")).contains("from-platform");
  }

  // --- interpolation ------------------------------------------------------------------------

  @Test
  void interpolatesVariablesWithDefaults() throws Exception {
    write("platform.yaml", "db:\n  url: jdbc:postgresql://${DB_HOST}:${DB_PORT:-5432}/orders\n  literal: $${NOT_A_VAR}\n");
    env.put("DB_HOST", "db.internal");
    PlatformConfig c = config();
    assertThat(c.getString("db.url")).contains("jdbc:postgresql://db.internal:5432/orders");
    assertThat(c.getString("db.literal")).contains("${NOT_A_VAR}");
  }

  @Test
  void undefinedVariableIsAProblemWithKeySourceAndFix() throws Exception {
    write("platform.yaml", "db:\n  url: ${DB_URL}\n");
    List<ConfigProblem> problems = load().problems();
    assertThat(problems).hasSize(1);
    ConfigProblem p = problems.get(0);
    assertThat(p.key()).isEqualTo("db.url");
    assertThat(p.source()).isEqualTo("platform.yaml:2:8");
    assertThat(p.problem()).isEqualTo("${DB_URL} is not defined");
    assertThat(p.fix()).contains("set the environment variable DB_URL").contains("${DB_URL:-default}");
  }

  // --- typed getters ------------------------------------------------------------------------

  @Test
  void typedGettersReadDurationsSizesBooleansEnumsAndLists() throws Exception {
    write(
        "platform.yaml",
        """
        app:
          timeout: 250ms
          iso: PT1M
          long: 2h
          size: 64KB
          bytes: 512
          on: true
          lifecycle: Deprecated
          kinds: [a, b]
          csv: "x, y ,z"
        """);
    PlatformConfig c = config();
    assertThat(c.getDuration("app.timeout", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
    assertThat(c.getDuration("app.iso", Duration.ZERO)).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.getDuration("app.long", Duration.ZERO)).isEqualTo(Duration.ofHours(2));
    assertThat(c.getDuration("app.absent", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.getSizeBytes("app.size", 0)).isEqualTo(64 * 1024);
    assertThat(c.getSizeBytes("app.bytes", 0)).isEqualTo(512);
    assertThat(c.getBoolean("app.on", false)).isTrue();
    assertThat(c.getEnum("app.lifecycle", ServiceDescriptor.Lifecycle.class, ServiceDescriptor.Lifecycle.PRODUCTION))
        .isEqualTo(ServiceDescriptor.Lifecycle.DEPRECATED);
    assertThat(c.getList("app.kinds")).containsExactly("a", "b");
    assertThat(c.getList("app.csv")).containsExactly("x", "y", "z");
    assertThat(c.getList("app.absent")).isEmpty();
  }

  @Test
  void typedGetterFailureNamesKeySourceAndExpectation() throws Exception {
    write("platform.yaml", "app:\n  timeout: soon\n");
    PlatformConfig c = config();
    assertThatThrownBy(() -> c.getDuration("app.timeout", Duration.ZERO))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("app.timeout (platform.yaml:2:12): 'soon' is not a duration")
        .hasMessageContaining("Fix: set app.timeout to a duration such as 250ms");
  }

  @Test
  void typedGetterFailureNeverPrintsSecretValue() throws Exception {
    write("platform.yaml", "app:\n  api-token: hunter2hunter2\n");
    PlatformConfig c = config();
    assertThatThrownBy(() -> c.getInt("app.api-token", 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("app.api-token")
        .hasMessageNotContaining("hunter2");
    assertThat(c.toString()).doesNotContain("hunter2").contains(PlatformConfig.MASK);
    assertThat(c.value("app.api-token").orElseThrow().toString()).doesNotContain("hunter2");
  }

  @Test
  void recognisesSecretLookingKeys() {
    assertThat(PlatformConfig.isSecretKey("db.password")).isTrue();
    assertThat(PlatformConfig.isSecretKey("platform.flags.api-token")).isTrue();
    assertThat(PlatformConfig.isSecretKey("vault.secret-id")).isTrue();
    assertThat(PlatformConfig.isSecretKey("stripe.key")).isTrue();
    assertThat(PlatformConfig.isSecretKey("aws.credentials.id")).isTrue();
    assertThat(PlatformConfig.isSecretKey("platform.admin.port")).isFalse();
    assertThat(PlatformConfig.isSecretKey("monkey.count")).isFalse();
    // Regression (issue 15): keys whose values are references, file names or mounts are not
    // secrets, so "kv/risk#api-key" is shown in /config and in messages about it.
    assertThat(PlatformConfig.isSecretKey("platform.secrets.required")).isFalse();
    assertThat(PlatformConfig.isSecretKey("platform.secrets.required[0]")).isFalse();
    assertThat(PlatformConfig.isSecretKey("platform.secrets.vault.kv-v2-mounts[1]")).isFalse();
    assertThat(PlatformConfig.isSecretKey("platform.secrets.vault.auth.token-file")).isFalse();
    assertThat(PlatformConfig.isSecretKey("platform.secrets.vault.auth.secret-id-file")).isFalse();
    assertThat(PlatformConfig.isSecretKey("platform.flags.unleash.api-token-file")).isFalse();
    // A credential written where none belongs is still masked, and the service's keys keep the
    // whole-path rule.
    assertThat(PlatformConfig.isSecretKey("platform.secrets.vault.token")).isTrue();
    assertThat(PlatformConfig.isSecretKey("platform.secrets.vault.auth.secret-id")).isTrue();
    assertThat(PlatformConfig.isSecretKey("myapp.secrets.stripe")).isTrue();
  }

  // --- bad input ----------------------------------------------------------------------------

  @Test
  void malformedYamlNamesFileLineAndColumn() throws Exception {
    write("platform.yaml", "platform:\n  admin:\n    port: 1\n   threads: 2\n");
    ConfigProblem p = load().problems().get(0);
    assertThat(p.source()).isEqualTo("platform.yaml:4:4");
    assertThat(p.problem()).startsWith("malformed YAML");
    assertThat(p.fix()).contains("line 4, column 4 of platform.yaml");
  }

  @Test
  void wrongTypeNamesKeySourceExpectationAndFix() throws Exception {
    env.put("PLATFORM_ADMIN_PORT", "eighty");
    ConfigProblem p = load().problems().get(0);
    assertThat(p.key()).isEqualTo("platform.admin.port");
    assertThat(p.source()).isEqualTo("environment variable PLATFORM_ADMIN_PORT");
    assertThat(p.problem()).isEqualTo("'eighty' is not an integer from 0 to 65535");
    assertThat(p.fix()).isEqualTo("set platform.admin.port to an integer from 0 to 65535");
  }

  @Test
  void unknownPlatformKeyInFileSuggestsTheClosestKey() throws Exception {
    write("platform.yaml", "platform:\n  admin:\n    prot: 9000\n");
    ConfigProblem p = load().problems().get(0);
    assertThat(p.key()).isEqualTo("platform.admin.prot");
    assertThat(p.source()).isEqualTo("platform.yaml:3:11");
    assertThat(p.problem()).isEqualTo("unknown key");
    assertThat(p.fix()).isEqualTo("did you mean 'platform.admin.port'?");
  }

  @Test
  void unknownPlatformKeyUnderWildcardSuggestsWithTheUsersSegment() throws Exception {
    write("platform.yaml", "platform:\n  service:\n    dependencies:\n      payments:\n        knd: http\n");
    ConfigProblem p = load().problems().get(0);
    assertThat(p.fix()).isEqualTo("did you mean 'platform.service.dependencies.payments.kind'?");
  }

  @Test
  void keyOfAModuleNotOnTheClasspathSaysSo() throws Exception {
    write("platform.yaml", "platform:\n  resilience:\n    defaults:\n      retry: 3\n");
    ConfigProblem p = load().problems().get(0);
    assertThat(p.fix()).contains("no Paved module on the classpath reads 'platform.resilience'");
  }

  @Test
  void unknownPlatformEnvironmentVariableSuggestsTheClosest() throws Exception {
    env.put("PLATFORM_ADMIN_PROT", "9000");
    ConfigProblem p = load().problems().get(0);
    assertThat(p.source()).isEqualTo("environment variable PLATFORM_ADMIN_PROT");
    assertThat(p.fix()).contains("PLATFORM_ADMIN_PORT");
  }

  @Test
  void everyProblemIsCollectedNotJustTheFirst() throws Exception {
    write("platform.yaml", "platform:\n  admin:\n    prot: 1\n    threads: many\n  shutdown:\n    drain: forever\napp:\n  x: ${MISSING}\n");
    env.put("PLATFORM_HEALTH_TIMEOUT", "-1s");
    List<ConfigProblem> problems = load().problems();
    assertThat(problems).extracting(ConfigProblem::key)
        .containsExactlyInAnyOrder("app.x", "platform.admin.prot", "platform.admin.threads", "platform.shutdown.drain", "platform.health.timeout");
  }

  @Test
  void invalidSecretValueIsNeverPrinted() throws Exception {
    ConfigKey<Integer> secretKey = ConfigKey.integer("platform.test.token-ttl", 1, 10);
    ConfigKey<Integer> passwordKey = ConfigKey.integer("platform.test.password", 1, 10);
    env.put("PLATFORM_TEST_PASSWORD", "s3cr3t-value");
    ConfigLoader.Result r =
        ConfigLoader.load(
            new ConfigLoader.Inputs(env, props, overrides, classpath()),
            List.of(CoreSettings.SERVICE_NAME, secretKey, passwordKey));
    assertThat(r.problems()).hasSize(1);
    assertThat(r.problems().get(0).toString()).contains("platform.test.password").doesNotContain("s3cr3t");
    assertThat(new ConfigException(r.problems()).getMessage()).doesNotContain("s3cr3t");
  }

  @Test
  void keysOfAModuleThatIsNotADependencyAskWhetherItShouldBe() {
    // platform-resilience is not on core's test classpath.
    assertThat(ConfigLoader.noModuleFix("platform.resilience", ConfigLoaderTest.class.getClassLoader()))
        .contains("is its module a dependency?");
  }
}
