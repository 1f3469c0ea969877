package dev.paved.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.ConfigValue;
import dev.paved.core.Platform;
import dev.paved.core.PlatformConfig;
import dev.paved.spring.demo.OrdersApplication;
import dev.paved.test.HttpStub;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** application.yaml and platform.yaml are one configuration, in one documented precedence order. */
class SpringConfigurationTest {
  @Test
  void springsConfigurationOutranksPlatformYamlAndKeepsItsSource() {
    try (HttpStub stub = HttpStub.start();
        ConfigurableApplicationContext app =
            new SpringApplicationBuilder(OrdersApplication.class)
                .run(SpringBootAppTest.args(stub, "orders-precedence", "--spring.config.name=precedence", "--orders.region=us"))) {
      PlatformConfig config = app.getBean(Platform.class).config();
      assertThat(config.getInt("orders.page-size", 0)).as("precedence.yaml (Spring) over platform.yaml").isEqualTo(20);
      assertThat(config.value("orders.page-size").map(ConfigValue::source).orElse(""))
          .as("the source names Spring's file and line")
          .startsWith("spring: class path resource [precedence.yaml]");
      assertThat(config.getString("orders.region", "")).as("the command line over precedence.yaml").isEqualTo("us");
      assertThat(config.value("orders.region").map(ConfigValue::source).orElse("")).contains("commandLineArgs");
      assertThat(config.getList("orders.tags")).as("a YAML list is one list").containsExactly("a", "b");
      assertThat(config.getString("orders.only-in-platform-yaml", "")).as("platform.yaml still read").isEqualTo("kept");
      assertThat(config.getString("server.port", "absent")).as("Spring Boot's own keys are not Paved's").isEqualTo("absent");
    }
    try (HttpStub stub = HttpStub.start();
        ConfigurableApplicationContext app =
            new SpringApplicationBuilder(OrdersApplication.class)
                .run(SpringBootAppTest.args(stub, "orders-lists", "--spring.config.name=precedence", "--orders.tags=x"))) {
      assertThat(app.getBean(Platform.class).config().getList("orders.tags"))
          .as("a list comes whole from the highest source that has it, as Spring binds it: not merged with a lower one")
          .containsExactly("x");
    }
  }

  @Test
  void springsOwnConfigurationPropertiesAreValidatedAtStartWithEveryProblemInOneMessage() {
    try (HttpStub stub = HttpStub.start()) {
      assertThatThrownBy(
              () -> new SpringApplicationBuilder(OrdersApplication.class).run(SpringBootAppTest.args(stub, "orders-shop", "--shop.currency=", "--shop.page-size=0")))
          .satisfies(
              e -> assertThat(SpringBootAppTest.rootMessages(e) + causes(e))
                  .contains("shop.currency")
                  .contains("must not be blank")
                  .contains("shop.pageSize")
                  .contains("must be greater than or equal to 1"));
    }
  }

  /** Every cause's text, and a bind validation's field errors (Boot's failure analysis prints them). */
  private static String causes(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.springframework.boot.context.properties.bind.validation.BindValidationException v) {
        v.getValidationErrors().forEach(error -> b.append(error).append('\n'));
      }
    }
    return b.toString();
  }

  @Test
  void anSloNamesAControllersRouteAndIsCheckedAgainstTheControllers() {
    try (HttpStub stub = HttpStub.start();
        ConfigurableApplicationContext app =
            new SpringApplicationBuilder(OrdersApplication.class)
                .run(
                    SpringBootAppTest.args(
                        stub,
                        "orders-slo",
                        "--platform.slo.objectives.order-latency.kind=latency",
                        "--platform.slo.objectives.order-latency.objective=99",
                        "--platform.slo.objectives.order-latency.route=/api/orders/{id}",
                        "--platform.slo.objectives.order-latency.threshold=300ms"))) {
      PlatformConfig config = app.getBean(Platform.class).config();
      assertThat(config.getList("platform.observability.http.routes"))
          .as("the controllers' routes, declared before the platform started")
          .contains("/api/orders/search", "/api/orders/{id}", "/api/slow", "/api/stock/{id}");
    }
    try (HttpStub stub = HttpStub.start()) {
      assertThatThrownBy(
              () ->
                  new SpringApplicationBuilder(OrdersApplication.class)
                      .run(
                          SpringBootAppTest.args(
                              stub,
                              "orders-slo-typo",
                              "--platform.slo.objectives.order-latency.kind=latency",
                              "--platform.slo.objectives.order-latency.objective=99",
                              "--platform.slo.objectives.order-latency.route=/api/order/{id}",
                              "--platform.slo.objectives.order-latency.threshold=300ms")))
          .satisfies(e -> assertThat(SpringBootAppTest.rootMessages(e)).contains("unknown route '/api/order/{id}'").contains("/api/orders/{id}"));
    }
  }

  @Test
  void anInvalidPavedSettingInApplicationYamlRefusesStartNamingIt() {
    try (HttpStub stub = HttpStub.start()) {
      assertThatThrownBy(
              () ->
                  new SpringApplicationBuilder(OrdersApplication.class)
                      .run(SpringBootAppTest.args(stub, "orders-invalid", "--platform.resilience.defaults.max-attempts=0", "--platform.admin.prot=1")))
          .satisfies(
              e ->
                  assertThat(SpringBootAppTest.rootMessages(e))
                      .as("every problem in one message, each with its key and source")
                      .contains("platform.resilience.defaults.max-attempts")
                      .contains("platform.admin.prot")
                      .contains("commandLineArgs"));
    }
  }
}
