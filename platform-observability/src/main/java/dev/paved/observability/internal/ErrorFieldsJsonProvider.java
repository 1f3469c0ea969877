package dev.paved.observability.internal;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import net.logstash.logback.composite.AbstractJsonProvider;

/**
 * Writes {@code error.type} and {@code error.message} (bounded) for an event with a throwable;
 * the encoder writes {@code error.stack_trace}. Not API.
 */
public final class ErrorFieldsJsonProvider extends AbstractJsonProvider<ILoggingEvent> {
  static final int MAX_MESSAGE = 2048;

  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    IThrowableProxy t = event.getThrowableProxy();
    if (t == null) {
      return;
    }
    generator.writeStringField("error.type", t.getClassName());
    String message = t.getMessage();
    if (message != null) {
      generator.writeStringField(
          "error.message", message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message);
    }
  }
}
