package dev.paved.observability;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The embedded default for traces: the most recent finished spans in a bounded in-memory buffer,
 * shown by the admin server at {@code GET /traces}. When full, the oldest span is dropped and
 * counted.
 */
public final class RecentSpans implements SpanProcessor {
  private final int capacity;
  private final ArrayDeque<SpanData> spans;
  private final LongAdder dropped = new LongAdder();

  RecentSpans(int capacity) {
    this.capacity = capacity;
    this.spans = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (capacity == 0) {
      dropped.increment();
      return;
    }
    SpanData data = span.toSpanData();
    synchronized (spans) {
      if (spans.size() == capacity) {
        spans.removeFirst();
        dropped.increment();
      }
      spans.addLast(data);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  /** The buffered spans, oldest first. */
  public List<SpanData> spans() {
    synchronized (spans) {
      return new ArrayList<>(spans);
    }
  }

  /** Spans pushed out of the buffer since start. */
  public long dropped() {
    return dropped.sum();
  }

  /** The {@code limit} most recent traces, newest first, as maps for JSON. */
  List<Map<String, Object>> recentTraces(int limit) {
    Map<String, List<SpanData>> byTrace = new LinkedHashMap<>();
    List<SpanData> all = spans();
    for (int i = all.size() - 1; i >= 0; i--) {
      SpanData s = all.get(i);
      List<SpanData> list = byTrace.get(s.getTraceId());
      if (list == null) {
        if (byTrace.size() == limit) {
          continue;
        }
        list = new ArrayList<>();
        byTrace.put(s.getTraceId(), list);
      }
      list.add(s);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    byTrace.forEach(
        (traceId, list) -> {
          List<Map<String, Object>> spanMaps = new ArrayList<>();
          for (int i = list.size() - 1; i >= 0; i--) {
            spanMaps.add(toMap(list.get(i)));
          }
          Map<String, Object> trace = new LinkedHashMap<>();
          trace.put("traceId", traceId);
          trace.put("spans", spanMaps);
          out.add(trace);
        });
    return out;
  }

  private static Map<String, Object> toMap(SpanData s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.getName());
    m.put("kind", s.getKind().name());
    m.put("traceId", s.getTraceId());
    m.put("spanId", s.getSpanId());
    m.put("parentSpanId", s.getParentSpanContext().isValid() ? s.getParentSpanId() : null);
    m.put("startEpochNanos", s.getStartEpochNanos());
    m.put("durationMicros", TimeUnit.NANOSECONDS.toMicros(s.getEndEpochNanos() - s.getStartEpochNanos()));
    m.put("status", s.getStatus().getStatusCode().name());
    Map<String, Object> attributes = new LinkedHashMap<>();
    s.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), Masking.mask(String.valueOf(v))));
    m.put("attributes", attributes);
    return m;
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }
}
