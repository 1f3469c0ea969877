package dev.paved.observability.internal;

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
 * The embedded default for traces: the most recent finished spans in a buffer bounded in spans
 * and in bytes, shown by the admin server at {@code GET /traces}. When either bound is reached,
 * the oldest spans are dropped and counted; so the response of {@code /traces} is bounded too.
 *
 * <p>Internal: not for public use; it serves {@code GET /traces}.
 */
public final class RecentSpans implements SpanProcessor {
  /** {@value} bytes: the default bound of the buffer's estimated size. */
  public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;

  private final int capacity;
  private final long maxBytes;
  private final ArrayDeque<SpanData> spans;
  private final ArrayDeque<Long> sizes;
  private long bytes;
  private final LongAdder dropped = new LongAdder();

  public RecentSpans(int capacity) {
    this(capacity, DEFAULT_MAX_BYTES);
  }

  public RecentSpans(int capacity, long maxBytes) {
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.spans = new ArrayDeque<>(Math.min(capacity, 1024));
    this.sizes = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /**
   * The estimated heap size of a span's data: its strings at two bytes a character (names,
   * attribute keys and values, events and their attributes), plus a fixed overhead.
   */
  static long estimateBytes(SpanData s) {
    long chars = s.getName().length();
    chars += attributeChars(s.getAttributes());
    for (io.opentelemetry.sdk.trace.data.EventData e : s.getEvents()) {
      chars += e.getName().length() + attributeChars(e.getAttributes()) + 32;
    }
    chars += s.getStatus().getDescription().length();
    return 400 + 2 * chars;
  }

  private static long attributeChars(io.opentelemetry.api.common.Attributes attributes) {
    long[] chars = {0};
    attributes.forEach((k, v) -> chars[0] += k.getKey().length() + valueChars(v) + 16);
    return chars[0];
  }

  /**
   * A value's length in characters, without printing a number to count its digits (a span per
   * consumed record carries its partition and offset): numbers at their longest, so the estimate
   * stays an upper bound.
   */
  private static int valueChars(Object v) {
    if (v instanceof String text) {
      return text.length();
    }
    if (v instanceof Long || v instanceof Integer) {
      return 20;
    }
    if (v instanceof Boolean) {
      return 5;
    }
    if (v instanceof Double) {
      return 24;
    }
    return String.valueOf(v).length();
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
    long size = estimateBytes(data);
    if (size > maxBytes) {
      dropped.increment();
      return;
    }
    synchronized (spans) {
      while (!spans.isEmpty() && (spans.size() >= capacity || bytes + size > maxBytes)) {
        spans.removeFirst();
        bytes -= sizes.removeFirst();
        dropped.increment();
      }
      spans.addLast(data);
      sizes.addLast(size);
      bytes += size;
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

  /** The estimated size of the buffered spans. */
  public long bytes() {
    synchronized (spans) {
      return bytes;
    }
  }

  /** Spans pushed out of the buffer since start. */
  public long dropped() {
    return dropped.sum();
  }

  /** The {@code limit} most recent traces, newest first, as maps for JSON. */
  public List<Map<String, Object>> recentTraces(int limit) {
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
    s.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), dev.paved.core.Redaction.mask(String.valueOf(v))));
    m.put("attributes", attributes);
    List<Map<String, Object>> events = new ArrayList<>();
    for (io.opentelemetry.sdk.trace.data.EventData e : s.getEvents()) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("name", e.getName());
      event.put("epochNanos", e.getEpochNanos());
      Map<String, Object> eventAttributes = new LinkedHashMap<>();
      e.getAttributes().forEach((k, v) -> eventAttributes.put(k.getKey(), dev.paved.core.Redaction.mask(String.valueOf(v))));
      event.put("attributes", eventAttributes);
      events.add(event);
    }
    m.put("events", events);
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
