package dev.paved.observability.internal;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.net.URL;

/**
 * Logback's configurator SPI: when the service has no {@code logback.xml} (nor {@code
 * logback-test.xml}, nor {@code -Dlogback.configurationFile}), Paved's JSON configuration applies:
 * {@value #CONFIGURATION}. Not API.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class PavedLogbackConfigurator extends ContextAwareBase implements Configurator {
  /** The whole configuration: the defaults plus a root logger at INFO. */
  public static final String CONFIGURATION = "dev/paved/observability/logback-paved.xml";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    ClassLoader cl = PavedLogbackConfigurator.class.getClassLoader();
    if (System.getProperty("logback.configurationFile") != null
        || cl.getResource("logback-test.xml") != null
        || cl.getResource("logback.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    URL url = cl.getResource(CONFIGURATION);
    if (url == null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    try {
      joran.doConfigure(url);
      return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    } catch (JoranException e) {
      addError("Paved could not apply its logging configuration", e);
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
  }
}
