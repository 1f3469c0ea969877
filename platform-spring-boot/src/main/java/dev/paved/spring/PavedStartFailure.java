package dev.paved.spring;

import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;

/**
 * When the application fails to start after Paved's platform started (a bean that could not be
 * made, a secret that could not be read), the platform is closed too — its admin server and
 * threads do not outlive the failed context and keep the process from exiting.
 */
public final class PavedStartFailure implements ApplicationListener<ApplicationFailedEvent> {
  @Override
  public void onApplicationEvent(ApplicationFailedEvent event) {
    ConfigurableApplicationContext context = event.getApplicationContext();
    if (context == null) {
      return;
    }
    PropertySource<?> source = context.getEnvironment().getPropertySources().get(PavedSecretsPropertySource.NAME);
    if (source instanceof PavedSecretsPropertySource paved) {
      paved.closeIfStarted();
    }
  }
}
