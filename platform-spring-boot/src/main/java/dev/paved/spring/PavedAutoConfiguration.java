package dev.paved.spring;

import dev.paved.config.Configuration;
import dev.paved.config.flags.Flags;
import dev.paved.config.secrets.Secrets;
import dev.paved.core.Platform;
import dev.paved.observability.Observability;
import dev.paved.resilience.Resilience;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * The Paved platform inside a Spring Boot application (registered in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}). See
 * {@code docs/spring-boot.md}.
 */
@AutoConfiguration(
    beforeName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
      "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration",
      "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration"
    })
@ConditionalOnClass(Platform.class)
public final class PavedAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(PavedAutoConfiguration.class);

  /**
   * The platform, started when the context creates it (before the web server starts): Spring's
   * configuration given to it as builder properties; no JVM shutdown hook of its own (Spring's
   * closes the context, and {@link PavedShutdown} then {@code close()} run Paved's phases).
   */
  @Bean(destroyMethod = "close")
  public Platform pavedPlatform(ConfigurableEnvironment environment) {
    return PavedSecretsPropertySource.of(environment).platform();
  }

  @Bean
  @ConditionalOnMissingBean
  public Observability pavedObservability(Platform platform) {
    return Observability.of(platform);
  }

  /** Paved's SDK is the OpenTelemetry of the application: Spring Boot's own SDK is not configured. */
  @Bean
  @ConditionalOnMissingBean
  public OpenTelemetry pavedOpenTelemetry(Observability observability) {
    return observability.openTelemetry();
  }

  /**
   * Paved's registry (served at the admin port's /metrics) is where Spring's metrics go: the bean
   * is Spring's view of it ({@link SpringMeterRegistry}), so no meter is registered twice and
   * Spring's filters never apply late to Paved's meters.
   */
  @Bean
  @ConditionalOnMissingBean
  public MeterRegistry pavedMeterRegistry(Observability observability) {
    return new SpringMeterRegistry(observability.meterRegistry());
  }

  @Bean
  @ConditionalOnMissingBean
  public Resilience pavedResilience(Platform platform) {
    return Resilience.of(platform);
  }

  @Bean
  @ConditionalOnMissingBean
  public Flags pavedFlags(Platform platform) {
    return Flags.of(platform);
  }

  @Bean
  @ConditionalOnMissingBean
  public Secrets pavedSecrets(Platform platform) {
    return Secrets.of(platform);
  }

  @Bean
  @ConditionalOnMissingBean
  public Configuration pavedConfiguration(Platform platform) {
    return Configuration.of(platform);
  }

  @Bean
  public static PavedShutdown pavedShutdown(Platform platform) {
    return new PavedShutdown(platform);
  }

  @Bean
  public SpringHealth pavedSpringHealth(Platform platform, ListableBeanFactory beans, ConfigurableEnvironment environment) {
    return new SpringHealth(platform, beans, environment);
  }

  /**
   * Actuator's {@code /actuator/env} (and {@code /actuator/configprops}) mask every value that
   * holds a secret Paved has read, and every secret reference resolved through {@link
   * PavedSecretsPropertySource}, even with {@code show-values: always}.
   */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
  static final class ActuatorSanitizing {
    @Bean
    public org.springframework.boot.actuate.endpoint.SanitizingFunction pavedSecretsSanitizer() {
      return data -> {
        Object value = data.getValue();
        // The raw value, before Actuator resolved its placeholders: a secret reference is masked
        // whatever the secret's length; a value that holds a secret Paved read is masked too.
        Object raw = data.getPropertySource() == null ? null : data.getPropertySource().getProperty(data.getKey());
        boolean secret =
            data.getPropertySource() instanceof PavedSecretsPropertySource
                || (raw instanceof String r && r.contains("${" + PavedSecretsPropertySource.PREFIX))
                || (value instanceof String s && !dev.paved.core.Redaction.mask(s).equals(s));
        return secret ? data.withSanitizedValue() : data;
      };
    }
  }

  /** Actuator's indicator {@code paved}: Paved's readiness checks. */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static final class ActuatorHealth {
    @Bean(name = "paved")
    public org.springframework.boot.health.contributor.HealthIndicator pavedHealthIndicator(Platform platform) {
      return SpringHealth.Indicators.paved(platform);
    }
  }

  /** The controllers' routes as Paved's declared routes, before the platform starts (MVC and WebFlux). */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication
  @ConditionalOnClass(name = "org.springframework.web.bind.annotation.RequestMapping")
  static final class WebRoutes {
    @Bean
    public static ControllerRoutes pavedControllerRoutes() {
      return new ControllerRoutes();
    }
  }

  /** Paved's server instrumentation on the servlet container, with the controllers' routes. */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = {"jakarta.servlet.Filter", "org.springframework.web.servlet.DispatcherServlet"})
  static final class ServletServer {
    @Bean
    public PavedServerFilter pavedServerFilter(Observability observability) {
      return new PavedServerFilter(observability);
    }

    @Bean
    public FilterRegistrationBean<PavedServerFilter> pavedServerFilterRegistration(PavedServerFilter filter) {
      FilterRegistrationBean<PavedServerFilter> registration = new FilterRegistrationBean<>(filter);
      registration.setName("pavedServerFilter");
      // Around everything but the character encoding filter: security, error pages, the handler.
      registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
      registration.addUrlPatterns("/*");
      return registration;
    }

    /** Once every singleton exists (the handler mappings with them), before the web server starts. */
    @Bean
    public SmartInitializingSingleton pavedRoutes(PavedServerFilter filter, ObjectProvider<RequestMappingInfoHandlerMapping> mappings) {
      return () -> {
        List<String> patterns = new ArrayList<>();
        mappings.orderedStream()
            .forEach(
                m -> {
                  for (RequestMappingInfo info : m.getHandlerMethods().keySet()) {
                    patterns.addAll(info.getPatternValues());
                  }
                });
        List<String> templates = dev.paved.observability.Routes.fromPatterns(patterns);
        filter.routes(templates);
        LOG.debug("Paved: {} route templates from Spring MVC's mappings: {}", templates.size(), templates);
      };
    }
  }

  /**
   * Paved's server instrumentation around a Spring WebFlux application's {@code HttpHandler}, with
   * the controllers' routes; Paved's context carried by Reactor's automatic context propagation.
   */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(
      name = {
        "org.springframework.web.reactive.DispatcherHandler",
        "org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer",
        "io.micrometer.context.ContextRegistry"
      })
  static final class ReactiveServer {
    @Bean
    public PavedHttpHandlerDecorator pavedHttpHandlerDecorator(Observability observability) {
      ReactorContext.register();
      return new PavedHttpHandlerDecorator(observability);
    }

    /** A handler's exception, recorded on the request's SERVER span before Spring handles it. */
    @Bean
    public org.springframework.web.server.WebFilter pavedServerErrors() {
      return new PavedHttpHandlerDecorator.Errors();
    }

    /**
     * Spring's own server observation ({@code http.server.requests}, which Spring WebFlux's adapter
     * records whenever an {@code ObservationRegistry} bean exists) is off: Paved's decorator
     * observes every request. The registry stays for the service's own observations.
     */
    @Bean
    @ConditionalOnClass(name = "io.micrometer.observation.ObservationRegistry")
    public org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer pavedNoSpringServerObservation() {
      return builder -> builder.observationRegistry(io.micrometer.observation.ObservationRegistry.NOOP);
    }

    /** Once every singleton exists (the handler mappings with them), before the web server starts. */
    @Bean
    public SmartInitializingSingleton pavedReactiveRoutes(
        PavedHttpHandlerDecorator decorator,
        ObjectProvider<org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping> mappings) {
      return () -> {
        List<String> patterns = new ArrayList<>();
        mappings.orderedStream()
            .forEach(
                m -> {
                  for (org.springframework.web.reactive.result.method.RequestMappingInfo info : m.getHandlerMethods().keySet()) {
                    info.getPatternsCondition().getPatterns().forEach(pattern -> patterns.add(pattern.getPatternString()));
                  }
                });
        List<String> templates = dev.paved.observability.Routes.fromPatterns(patterns);
        decorator.routes(templates);
        LOG.debug("Paved: {} route templates from Spring WebFlux's mappings: {}", templates.size(), templates);
      };
    }
  }

  /** Paved's {@code WebClient}s: the named dependencies' ({@link PavedWebClients}), and Spring Boot's traced. */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.web.reactive.function.client.WebClient", "io.micrometer.context.ContextRegistry"})
  static final class WebClients {
    /**
     * The clients of named dependencies, from Spring Boot's {@code WebClient.Builder} when there is
     * one ({@code spring-boot-starter-webclient}), else from {@code WebClient.builder()}; they own
     * the one daemon thread their retries wait on (not a {@code ScheduledExecutorService} bean,
     * which {@code @Scheduled} would take).
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public PavedWebClients pavedWebClients(
        Resilience resilience,
        Observability observability,
        ObjectProvider<org.springframework.web.reactive.function.client.WebClient.Builder> builders) {
      ReactorContext.register();
      return new PavedWebClients(
          resilience,
          dev.paved.observability.HttpExchanges.of(observability),
          builders.getIfAvailable(org.springframework.web.reactive.function.client.WebClient::builder));
    }

    /** Spring Boot's {@code WebClient.Builder}s ({@code spring-boot-starter-webclient}). */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.webclient.WebClientCustomizer")
    static final class BootBuilders {
      /**
       * Every {@code WebClient.Builder} Spring Boot gives sends through Paved's traced filter (a
       * CLIENT span, {@code http.client.request.duration}, trace context out). No policy: for one,
       * take {@link PavedWebClients#builder(String)}.
       */
      @Bean
      public org.springframework.boot.webclient.WebClientCustomizer pavedWebClientCustomizer(Observability observability) {
        ReactorContext.register();
        PavedExchangeFilter traced = new PavedExchangeFilter(dev.paved.observability.HttpExchanges.of(observability), RestClients.TRACED_TIMEOUT);
        return builder -> builder.filters(filters -> {
          filters.removeIf(f -> f instanceof PavedExchangeFilter);
          filters.add(0, traced);
        });
      }
    }
  }

  /** Paved's clients under Spring Boot's {@code RestClient.Builder}s. */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.web.client.RestClient", "org.springframework.boot.restclient.RestClientCustomizer"})
  static final class RestClients {
    /**
     * Every {@code RestClient.Builder} Spring Boot gives sends through Paved's traced client (a
     * CLIENT span, {@code http.client.request.duration}, trace context out). No policy: for one,
     * take {@link PavedRestClients#builder(String)}.
     */
    @Bean
    public RestClientCustomizer pavedRestClientCustomizer(PavedClientHttpRequestFactory pavedTracedRequestFactory) {
      return builder -> builder.requestFactory(pavedTracedRequestFactory);
    }

    /** The same for {@code RestTemplate}s made from Spring Boot's {@code RestTemplateBuilder}. */
    @Bean
    public org.springframework.boot.restclient.RestTemplateCustomizer pavedRestTemplateCustomizer(PavedClientHttpRequestFactory pavedTracedRequestFactory) {
      return template -> template.setRequestFactory(pavedTracedRequestFactory);
    }

    /** Paved's traced JDK client as Spring's request factory: one client for every builder. */
    @Bean
    public PavedClientHttpRequestFactory pavedTracedRequestFactory(Observability observability) {
      HttpClient jdk = HttpClient.newBuilder().connectTimeout(TRACED_CONNECT_TIMEOUT).build();
      return new PavedClientHttpRequestFactory(observability.httpClient(jdk)::send, TRACED_TIMEOUT);
    }

    /** Connect timeout of the traced client (no policy): a dependency of its own has its policy's. */
    static final java.time.Duration TRACED_CONNECT_TIMEOUT = java.time.Duration.ofSeconds(5);
    /** Whole-request timeout of the traced client: a hung server never holds a request thread for ever. */
    static final java.time.Duration TRACED_TIMEOUT = java.time.Duration.ofSeconds(30);

    @Bean
    @ConditionalOnMissingBean
    public PavedRestClients pavedRestClients(Resilience resilience, ObjectProvider<RestClient.Builder> builders) {
      return new PavedRestClients(resilience, builders.getIfAvailable(RestClient::builder));
    }
  }
}
