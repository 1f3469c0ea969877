package dev.paved.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Masks registered secrets in log records exported over OTLP — their body and string attributes
 * (exception message and stack trace included) — as the JSON encoder does on stdout.
 */
final class MaskingLogRecordExporter implements LogRecordExporter {
  private final LogRecordExporter delegate;

  MaskingLogRecordExporter(LogRecordExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<LogRecordData> logs) {
    if (!dev.paved.core.Redaction.active()) {
      return delegate.export(logs);
    }
    List<LogRecordData> masked = new ArrayList<>(logs.size());
    for (LogRecordData log : logs) {
      masked.add(new Masked(log));
    }
    return delegate.export(masked);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @SuppressWarnings("deprecation") // getBody() is the SDK's still-abstract accessor
  private static final class Masked implements LogRecordData {
    private final LogRecordData d;
    private final Attributes attributes;
    private final Body body;

    Masked(LogRecordData d) {
      this.d = d;
      Body original = d.getBody();
      this.body = original.getType() == Body.Type.STRING ? Body.string(dev.paved.core.Redaction.mask(original.asString())) : original;
      AttributesBuilder b = Attributes.builder();
      d.getAttributes().forEach((key, value) -> put(b, key, value));
      this.attributes = b.build();
    }

    @SuppressWarnings("unchecked")
    private static void put(AttributesBuilder b, AttributeKey<?> key, Object value) {
      if (key.getType() == AttributeType.STRING) {
        b.put((AttributeKey<String>) key, dev.paved.core.Redaction.mask((String) value));
      } else {
        b.put((AttributeKey<Object>) key, value);
      }
    }

    @Override
    public Resource getResource() {
      return d.getResource();
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return d.getInstrumentationScopeInfo();
    }

    @Override
    public long getTimestampEpochNanos() {
      return d.getTimestampEpochNanos();
    }

    @Override
    public long getObservedTimestampEpochNanos() {
      return d.getObservedTimestampEpochNanos();
    }

    @Override
    public SpanContext getSpanContext() {
      return d.getSpanContext();
    }

    @Override
    public Severity getSeverity() {
      return d.getSeverity();
    }

    @Override
    public @Nullable String getSeverityText() {
      return d.getSeverityText();
    }

    @Override
    public Body getBody() {
      return body;
    }

    @Override
    public io.opentelemetry.api.common.@Nullable Value<?> getBodyValue() {
      return body.getType() == Body.Type.STRING ? io.opentelemetry.api.common.Value.of(body.asString()) : d.getBodyValue();
    }

    @Override
    public Attributes getAttributes() {
      return attributes;
    }

    @Override
    public int getTotalAttributeCount() {
      return d.getTotalAttributeCount();
    }

    @Override
    public @Nullable String getEventName() {
      return d.getEventName();
    }
  }
}
