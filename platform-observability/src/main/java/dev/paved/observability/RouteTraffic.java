package dev.paved.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;

/**
 * RED per route for the admin console ({@code GET /routes}): every {@value #STEP_SECONDS} s the
 * cumulative {@code http.server.request.duration} histograms are read, and the difference to the
 * last reading gives that step's rate, error ratio (status 5xx) and p50/p95/p99 (interpolated
 * within the histogram's buckets, as Prometheus' {@code histogram_quantile} does). The last
 * {@value #POINTS} steps are kept per route. Nothing is added to the request path: it reads what
 * the RED meters already count.
 */
final class RouteTraffic {
  static final int STEP_SECONDS = 5;
  static final int POINTS = 60;

  private record Reading(long count, long errors, double[] bounds, double[] cumulative) {}

  private record Point(long at, double rate, double errorRatio, double p50, double p95, double p99) {
    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", at);
      m.put("rate", rate);
      m.put("errorRatio", errorRatio);
      m.put("p50Ms", p50);
      m.put("p95Ms", p95);
      m.put("p99Ms", p99);
      return m;
    }
  }

  private final MeterRegistry registry;
  private final IntSupplier inFlight;
  private final Map<String, Reading> last = new HashMap<>();
  private final Map<String, ArrayDeque<Point>> points = new TreeMap<>();
  private long lastAt = System.currentTimeMillis();

  RouteTraffic(MeterRegistry registry, IntSupplier inFlight) {
    this.registry = registry;
    this.inFlight = inFlight;
  }

  /** Reads the histograms and adds one point per route; the platform's scheduler calls it. */
  synchronized void sample() {
    long now = System.currentTimeMillis();
    double seconds = Math.max(0.001, (now - lastAt) / 1000.0);
    lastAt = now;
    Map<String, Reading> current = read();
    for (Map.Entry<String, Reading> e : current.entrySet()) {
      Reading before = last.get(e.getKey());
      Reading r = e.getValue();
      long n = r.count() - (before == null ? 0 : before.count());
      long errors = r.errors() - (before == null ? 0 : before.errors());
      double[] delta = r.cumulative().clone();
      // Buckets that changed between readings (never once traffic flows): no percentiles for this step.
      long ranked = before == null || before.cumulative().length == delta.length ? n : 0;
      if (before != null && ranked > 0) {
        for (int i = 0; i < delta.length; i++) {
          delta[i] -= before.cumulative()[i];
        }
      }
      ArrayDeque<Point> ring = points.computeIfAbsent(e.getKey(), k -> new ArrayDeque<>());
      if (ring.size() == POINTS) {
        ring.removeFirst();
      }
      ring.addLast(new Point(now, n / seconds, n == 0 ? 0 : (double) errors / n, quantile(0.5, ranked, r.bounds(), delta), quantile(0.95, ranked, r.bounds(), delta), quantile(0.99, ranked, r.bounds(), delta)));
    }
    last.clear();
    last.putAll(current);
  }

  /** The cumulative readings summed per route (over methods, statuses and schemes). */
  private Map<String, Reading> read() {
    Map<String, Reading> out = new HashMap<>();
    for (Meter m : registry.find(HttpInstrumentation.SERVER_DURATION).meters()) {
      if (!(m instanceof Timer t)) {
        continue;
      }
      String route = String.valueOf(t.getId().getTag("http.route"));
      String status = t.getId().getTag("http.response.status_code");
      boolean failed = status != null && status.length() == 3 && status.charAt(0) == '5';
      HistogramSnapshot snap = t.takeSnapshot();
      CountAtBucket[] buckets = snap.histogramCounts();
      double[] bounds = new double[buckets.length];
      double[] cumulative = new double[buckets.length];
      for (int i = 0; i < buckets.length; i++) {
        bounds[i] = buckets[i].bucket(java.util.concurrent.TimeUnit.MILLISECONDS);
        cumulative[i] = buckets[i].count();
      }
      Reading r = new Reading(snap.count(), failed ? snap.count() : 0, bounds, cumulative);
      out.merge(route, r, RouteTraffic::add);
    }
    return out;
  }

  private static Reading add(Reading a, Reading b) {
    if (a.bounds().length != b.bounds().length) {
      return a.count() >= b.count() ? a : b;
    }
    double[] sum = a.cumulative().clone();
    for (int i = 0; i < sum.length; i++) {
      sum[i] += b.cumulative()[i];
    }
    return new Reading(a.count() + b.count(), a.errors() + b.errors(), a.bounds(), sum);
  }

  /**
   * The q-quantile in milliseconds from cumulative bucket counts, interpolated linearly within its
   * bucket; the highest bound when it lies above every bucket; 0 without requests.
   */
  static double quantile(double q, long n, double[] bounds, double[] cumulative) {
    if (n <= 0 || bounds.length == 0) {
      return 0;
    }
    double rank = q * n;
    double lower = 0;
    double below = 0;
    for (int i = 0; i < bounds.length; i++) {
      if (cumulative[i] >= rank) {
        double inBucket = cumulative[i] - below;
        return inBucket <= 0 ? bounds[i] : lower + (bounds[i] - lower) * ((rank - below) / inBucket);
      }
      lower = bounds[i];
      below = cumulative[i];
    }
    return bounds[bounds.length - 1];
  }

  /** The body of {@code GET /routes}. */
  synchronized Map<String, Object> toMap() {
    List<Object> routes = new ArrayList<>();
    for (Map.Entry<String, ArrayDeque<Point>> e : points.entrySet()) {
      Point latest = e.getValue().peekLast();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("route", e.getKey());
      Reading reading = last.get(e.getKey());
      r.put("requests", reading == null ? 0L : reading.count());
      if (latest != null) {
        r.put("rate", latest.rate());
        r.put("errorRatio", latest.errorRatio());
        r.put("p50Ms", latest.p50());
        r.put("p95Ms", latest.p95());
        r.put("p99Ms", latest.p99());
      }
      r.put("points", e.getValue().stream().map(Point::toMap).toList());
      routes.add(r);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("stepSeconds", STEP_SECONDS);
    body.put("inFlight", inFlight.getAsInt());
    body.put("routes", routes);
    return body;
  }
}
