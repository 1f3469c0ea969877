package dev.paved.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.config.Sections.Checkout;
import dev.paved.config.Sections.Mode;
import dev.paved.config.Sections.Paging;
import dev.paved.core.ConfigException;
import dev.paved.core.ConfigProblem;
import dev.paved.core.Platform;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BindingTest {
  private static final String VALID =
      """
      platform:
        service:
          name: orders
      checkout:
        currency: EUR
        max-items: 20
        timeout: 1500ms
        payments:
          url: http://payments.internal:8080
          retries: 2
        regions:
          - eu
          - us
        limits:
          gold: 10
          silver: 5
        max-body: 64KB
        mode: safe
        api-key: s3cr3t-value
      paging:
        page-size: 50
        name: default
      """;

  @TempDir Path dir;

  @Test
  void bindsRecordsWithNestedRecordsListsMapsDurationsSizesAndEnums() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(VALID);
    try (Platform platform = f.start(ConfigModule.builder().bind("checkout", Checkout.class).build())) {
      Checkout c = Configuration.of(platform).bind("checkout", Checkout.class).get();
      assertThat(c.currency()).isEqualTo("EUR");
      assertThat(c.maxItems()).isEqualTo(20);
      assertThat(c.timeout()).isEqualTo(Duration.ofMillis(1500));
      assertThat(c.payments().url()).isEqualTo(URI.create("http://payments.internal:8080"));
      assertThat(c.payments().retries()).isEqualTo(2);
      assertThat(c.regions()).containsExactly("eu", "us");
      assertThat(c.limits()).containsExactly(Map.entry("gold", 10), Map.entry("silver", 5));
      assertThat(c.maxBody()).isEqualTo(new DataSize(64 * 1024));
      assertThat(c.mode()).isEqualTo(Mode.SAFE);
      assertThat(c.apiKey()).isEqualTo("s3cr3t-value");
    }
  }

  @Test
  void bindingTheSameSectionAgainReturnsTheSameBound() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(VALID);
    try (Platform platform = f.start(new ConfigModule())) {
      Configuration config = Configuration.of(platform);
      Bound<Paging> first = config.bind("paging", Paging.class);
      assertThat(config.bind("paging", Paging.class)).isSameAs(first);
      assertThat(first.get()).isEqualTo(new Paging(50, "default"));
      assertThat(config.snapshot().get(first)).isSameAs(first.get());
    }
  }

  @Test
  void startUpReportsEveryViolationOfEverySectionTogetherWithKeySourceConstraintAndValue() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(
        """
        platform:
          service:
            name: orders
        checkout:
          currency: ""
          max-items: 0
          timeout: 5s
          payments:
            url: http://payments
            retries: 0
          regions:
            - eu
            - US-1
          limits:
            gold: -1
          mode: safe
          api-key: " "
        paging:
          page-size: 9999
          name: x
        """);
    ConfigModule module = ConfigModule.builder().bind("checkout", Checkout.class).bind("paging", Paging.class).build();

    assertThatThrownBy(() -> f.start(module))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems())
                  .extracting(ConfigProblem::key)
                  .containsExactlyInAnyOrder(
                      "checkout.currency",
                      "checkout.max-items",
                      "checkout.payments.retries",
                      "checkout.regions[1]",
                      "checkout.limits.gold",
                      "checkout.api-key",
                      "paging.page-size");
              ConfigProblem maxItems = problem(e, "checkout.max-items");
              assertThat(maxItems.source()).isEqualTo(f.file + ":6:14");
              assertThat(maxItems.problem()).contains("'0'").contains("@Min").contains("greater than or equal to 1");
              assertThat(problem(e, "paging.page-size").problem()).contains("'9999'").contains("@Max");
              assertThat(problem(e, "checkout.regions[1]").problem()).contains("'US-1'").contains("@Pattern");
              assertThat(problem(e, "checkout.api-key").problem()).contains("@NotBlank").doesNotContain("' '");
              assertThat(e.getMessage()).contains("checkout.max-items").contains("paging.page-size");
            });
  }

  @Test
  void secretValuesAreNeverPrintedInAViolation() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(
        """
        platform:
          service:
            name: orders
        vault:
          token: hunter2-abc
        """);
    record Vault(@jakarta.validation.constraints.Size(min = 20) String token) {}
    assertThatThrownBy(() -> f.start(ConfigModule.builder().bind("vault", Vault.class).build()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(problem(e, "vault.token").problem()).contains("the value").contains("@Size");
              assertThat(e.getMessage()).doesNotContain("hunter2");
            });
  }

  @Test
  void unknownKeysAreErrorsWithDidYouMean() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(
        """
        platform:
          service:
            name: orders
        paging:
          page-size: 10
          name: a
          pagesize: 11
          colour: red
        """);
    assertThatThrownBy(() -> f.start(ConfigModule.builder().bind("paging", Paging.class).build()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(problem(e, "paging.pagesize").problem()).isEqualTo("unknown key");
              assertThat(problem(e, "paging.pagesize").fix()).contains("did you mean 'paging.page-size'?");
              assertThat(problem(e, "paging.pagesize").source()).isEqualTo(f.file + ":7:13");
              assertThat(problem(e, "paging.colour").fix()).contains("name, page-size");
            });
  }

  @Test
  void wrongTypesAreClearErrorsAndEveryOneIsReported() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(
        """
        platform:
          service:
            name: orders
        checkout:
          currency: EUR
          max-items: many
          timeout: soon
          payments:
            url: http://p
            retries: 1
          limits:
            gold: lots
          max-body: huge
          mode: turbo
          api-key: k
        """);
    assertThatThrownBy(() -> f.start(ConfigModule.builder().bind("checkout", Checkout.class).build()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(problem(e, "checkout.max-items").problem()).isEqualTo("'many' is not a whole number");
              assertThat(problem(e, "checkout.timeout").problem()).contains("'soon' is not a duration such as 250ms");
              assertThat(problem(e, "checkout.limits.gold").problem()).isEqualTo("'lots' is not a whole number");
              assertThat(problem(e, "checkout.max-body").problem()).contains("'huge' is not a size");
              assertThat(problem(e, "checkout.mode").problem()).isEqualTo("'turbo' is not one of fast, safe");
              assertThat(problem(e, "checkout.mode").source()).isEqualTo(f.file + ":14:9");
            });
  }

  /**
   * Regression (issue 15), as the new user met them: a URI that is not one showed Jackson's
   * internal text and blamed the keys; a missing primitive read "(not set): '0' must be greater
   * than or equal to 1"; a type error in one field hid the constraint violations of the others.
   */
  @Test
  void aBadUriAndAMissingNumberSayWhatIsWrongAndEveryOtherViolationStillShows() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(
        """
        platform:
          service:
            name: orders
        checkout:
          currency: ""
          timeout: 2s
          payments:
            url: "x y"
            retries: 1
          mode: safe
          api-key: k
        """);
    assertThatThrownBy(() -> f.start(ConfigModule.builder().bind("checkout", Checkout.class).build()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(problem(e, "checkout.payments.url").problem()).startsWith("'x y' is not a URI");
              assertThat(problem(e, "checkout.payments.url").problem()).doesNotContain("Cannot deserialize");
              assertThat(problem(e, "checkout.max-items").problem()).isEqualTo("is missing (expected: a value that must be greater than or equal to 1)");
              assertThat(problem(e, "checkout.max-items").fix()).isEqualTo("set checkout.max-items");
              assertThat(problem(e, "checkout.currency").problem()).contains("must not be blank");
            });
  }

  /**
   * Regression (issue 15): a typo under platform. and a violation in a bound section came out in
   * two runs; now one failed start lists both.
   */
  @Test
  void aTypoUnderPlatformAndASectionViolationAreReportedInOneRun() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(
        """
        platform:
          service:
            name: orders
          admn:
            port: 0
        paging:
          page-size: 0
          name: default
        """);
    assertThatThrownBy(() -> f.start(ConfigModule.builder().bind("paging", Paging.class).build()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems()).anySatisfy(p -> assertThat(p.key()).startsWith("platform.admn"));
              assertThat(problem(e, "paging.page-size").problem()).contains("must be greater than or equal to 1");
            });
  }

  @Test
  void bindingAfterStartValidatesAtOnce() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(
        """
        platform:
          service:
            name: orders
        paging:
          page-size: 0
        """);
    try (Platform platform = f.start(new ConfigModule())) {
      assertThatThrownBy(() -> Configuration.of(platform).bind("paging", Paging.class))
          .isInstanceOfSatisfying(
              ConfigException.class,
              e ->
                  assertThat(e.problems())
                      .extracting(ConfigProblem::key)
                      .containsExactlyInAnyOrder("paging.page-size", "paging.name"));
      assertThatThrownBy(() -> Configuration.of(platform).bind("platform.admin", Paging.class))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void anUndefinedVariableFailsStartUpWithItsName() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(
        """
        platform:
          service:
            name: orders
        paging:
          page-size: ${PAGE_SIZE}
          name: a
        """);
    assertThatThrownBy(() -> f.start(ConfigModule.builder().bind("paging", Paging.class).build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("${PAGE_SIZE} is not defined");
  }

  private static ConfigProblem problem(ConfigException e, String key) {
    List<ConfigProblem> found = e.problems().stream().filter(p -> p.key().equals(key)).toList();
    assertThat(found).as("problems for %s in %s", key, e.problems()).hasSize(1);
    return found.get(0);
  }
}
