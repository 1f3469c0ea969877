package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ServiceDescriptorTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "orders", "orders-api", "a1", "x-1-y", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"})
  void acceptsNamesValidInKubernetesPrometheusAndBackstage(String name) {
    assertThat(name.length()).isLessThanOrEqualTo(63);
    assertThat(ServiceDescriptor.checkName(name)).isNull();
    assertThat(ServiceDescriptor.builder(name).build().name()).isEqualTo(name);
  }

  @Test
  void refusesEmptyName() {
    assertThat(ServiceDescriptor.checkName("")).isEqualTo("is empty");
  }

  @Test
  void refusesNameLongerThan63Characters() {
    assertThat(ServiceDescriptor.checkName("a".repeat(64))).contains("64 characters").contains("at most 63");
  }

  @Test
  void refusesUpperCase() {
    assertThat(ServiceDescriptor.checkName("Orders")).isEqualTo("must start with a lower-case letter");
    assertThat(ServiceDescriptor.checkName("orDers")).isEqualTo("must be lower case");
  }

  @Test
  void refusesNameStartingWithDigitOrDash() {
    assertThat(ServiceDescriptor.checkName("1orders")).isEqualTo("must start with a lower-case letter");
    assertThat(ServiceDescriptor.checkName("-orders")).isEqualTo("must start with a lower-case letter");
  }

  @Test
  void refusesNameEndingWithDash() {
    assertThat(ServiceDescriptor.checkName("orders-")).isEqualTo("must end with a letter or digit");
  }

  @Test
  void refusesUnderscoresDotsAndOtherCharacters() {
    assertThat(ServiceDescriptor.checkName("orders_api")).contains("only lower-case letters, digits and '-'");
    assertThat(ServiceDescriptor.checkName("orders.api")).contains("only lower-case letters, digits and '-'");
    assertThat(ServiceDescriptor.checkName("ordérs")).contains("only lower-case letters, digits and '-'");
  }

  @Test
  void builderMessageNamesTheRuleAndSuggestsAValidName() {
    assertThatThrownBy(() -> ServiceDescriptor.builder("Orders_Service"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name: 'Orders_Service'")
        .hasMessageContaining("1-63 lower-case letters")
        .hasMessageContaining("'orders-service'");
  }

  @Test
  void builderValidatesEveryField() {
    var b = ServiceDescriptor.builder("orders");
    assertThatThrownBy(() -> b.tier(0)).hasMessage("tier: 0 (expected: 1 to 4)");
    assertThatThrownBy(() -> b.tier(5)).hasMessage("tier: 5 (expected: 1 to 4)");
    assertThatThrownBy(() -> b.environment("Prod")).hasMessageContaining("environment: 'Prod'");
    assertThatThrownBy(() -> b.owner("team_a")).hasMessageContaining("owner: 'team_a'");
    assertThatThrownBy(() -> b.version(" ")).hasMessageContaining("version");
    assertThatThrownBy(() -> b.link("runbook", URI.create("relative/path"))).hasMessageContaining("absolute");
    b.dependency("payments", ServiceDescriptor.DependencyKind.HTTP);
    assertThatThrownBy(() -> b.dependency("payments", ServiceDescriptor.DependencyKind.HTTP))
        .hasMessageContaining("declared once");
    assertThatThrownBy(() -> b.dependency("Payments", ServiceDescriptor.DependencyKind.HTTP))
        .hasMessageContaining("dependency name: 'Payments'");
  }

  @Test
  void buildsFullDescriptorWithDefaults() {
    ServiceDescriptor d =
        ServiceDescriptor.builder("orders")
            .owner("team-checkout")
            .system("shop")
            .link("runbook", URI.create("https://runbooks.example.com/orders"))
            .dependency("payments", ServiceDescriptor.DependencyKind.HTTP)
            .build();
    assertThat(d.version()).isEqualTo(ServiceDescriptor.DEFAULT_VERSION);
    assertThat(d.environment()).isEqualTo("local");
    assertThat(d.tier()).isEqualTo(3);
    assertThat(d.lifecycle()).isEqualTo(ServiceDescriptor.Lifecycle.PRODUCTION);
    assertThat(d.owner()).contains("team-checkout");
    assertThat(d.dependencies()).containsExactly(new ServiceDescriptor.Dependency("payments", ServiceDescriptor.DependencyKind.HTTP));
    assertThat(d.toMap()).containsEntry("lifecycle", "production").containsEntry("system", "shop");
  }

  @Test
  void suggestsValidNames() {
    assertThat(ServiceDescriptor.suggestName("Orders_Service")).isEqualTo("orders-service");
    assertThat(ServiceDescriptor.suggestName("123")).isEqualTo("my-service");
    assertThat(ServiceDescriptor.checkName(ServiceDescriptor.suggestName("X".repeat(80) + "-"))).isNull();
  }

  @org.junit.jupiter.api.Test
  void productionIsOneCheckForEveryModule() {
    org.assertj.core.api.Assertions.assertThat(ServiceDescriptor.isProduction("production")).isTrue();
    org.assertj.core.api.Assertions.assertThat(ServiceDescriptor.isProduction("PROD")).isTrue();
    org.assertj.core.api.Assertions.assertThat(ServiceDescriptor.isProduction("staging")).isFalse();
    org.assertj.core.api.Assertions.assertThat(ServiceDescriptor.isProduction("local")).isFalse();
  }
}
