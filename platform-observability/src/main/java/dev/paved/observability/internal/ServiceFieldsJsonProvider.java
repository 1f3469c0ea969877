package dev.paved.observability.internal;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Map;
import net.logstash.logback.composite.AbstractJsonProvider;

/** Writes {@code service.name}, {@code service.version}, {@code deployment.environment}. Not API. */
public final class ServiceFieldsJsonProvider extends AbstractJsonProvider<ILoggingEvent> {
  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    Map<String, String> fields = LogFields.get();
    if (fields != null) {
      for (Map.Entry<String, String> e : fields.entrySet()) {
        generator.writeStringField(e.getKey(), e.getValue());
      }
    }
  }
}
