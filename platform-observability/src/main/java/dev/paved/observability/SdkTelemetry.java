package dev.paved.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.Collection;
import java.util.List;

/**
 * Reads the OpenTelemetry SDK's own metrics (the batch span processor's processed and dropped
 * spans) on demand, so that Micrometer can show them at {@code /metrics}: the SDK's health.
 */
final class SdkTelemetry implements MetricReader {
  private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private volatile CollectionRegistration registration = CollectionRegistration.noop();

  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    registration = CollectionRegistration.noop();
    return CompletableResultCode.ofSuccess();
  }

  Collection<MetricData> collect() {
    return registration.collectAllMetrics();
  }

  /** Spans the batch processor dropped because its queue was full, since start. */
  long droppedSpans() {
    long dropped = 0;
    for (MetricData m : collect()) {
      if (m.getName().equals("processedSpans") || m.getName().equals("otel.sdk.processor.span.processed")) {
        for (LongPointData p : longPoints(m)) {
          if (Boolean.TRUE.equals(p.getAttributes().get(DROPPED)) || p.getAttributes().get(ERROR_TYPE) != null) {
            dropped += p.getValue();
          }
        }
      }
    }
    return dropped;
  }

  private static Collection<LongPointData> longPoints(MetricData m) {
    return switch (m.getType()) {
      case LONG_SUM -> m.getLongSumData().getPoints();
      case LONG_GAUGE -> m.getLongGaugeData().getPoints();
      default -> List.of();
    };
  }
}
