package dev.paved.core;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.paved.core.internal.DaemonThreadFactory;
import dev.paved.core.internal.ThrottledLogger;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server: its own port and bind address, its own small bounded executor (requests
 * beyond its queue are refused, never queued without limit), and endpoints that modules and the
 * service add by path. Built on the JDK's {@code com.sun.net.httpserver}.
 *
 * <p>Core serves {@code /health/live}, {@code /health/ready} and {@code /info}; other modules add
 * theirs ({@code /metrics} comes with observability).
 */
public final class AdminServer {
  private static final ThrottledLogger LOG = new ThrottledLogger(LoggerFactory.getLogger(AdminServer.class));

  private final Map<String, AdminEndpoint> endpoints = new ConcurrentHashMap<>();
  private volatile AdminAccess access = AdminAccess.open();
  private final AtomicLong rejected;
  private final @Nullable HttpServer server;
  private final @Nullable ThreadPoolExecutor executor;
  /** Runs every endpoint but the probes, so that no endpoint can hold a thread a probe needs. */
  private final @Nullable ThreadPoolExecutor endpointExecutor;

  private AdminServer(
      @Nullable HttpServer server,
      @Nullable ThreadPoolExecutor executor,
      @Nullable ThreadPoolExecutor endpointExecutor,
      AtomicLong rejected) {
    this.server = server;
    this.executor = executor;
    this.endpointExecutor = endpointExecutor;
    this.rejected = rejected;
  }

  /** A server that is not listening (platform.admin.enabled=false); endpoints can still be added. */
  static AdminServer disabled() {
    return new AdminServer(null, null, null, new AtomicLong());
  }

  /** How many more threads than {@code platform.admin.threads} may read requests: {@value}x. */
  static final int READERS_PER_THREAD = 8;

  /**
   * Starts the server. The JDK server reads each request on an executor thread, so requests are
   * read, and probes ({@code /health/*}) answered, on a pool of up to {@value #READERS_PER_THREAD}
   * times {@code threads} (idle ones end after 30 s): a few clients that send a request slowly
   * (slowloris) cannot hold every thread a probe needs, and the JDK closes a request still being
   * read after {@code sun.net.httpserver.maxReqTime}. Every other endpoint runs on a second pool of
   * {@code threads}, so a slow endpoint (or a slow configuration listener behind {@code /config})
   * never delays a probe. Each pool queues at most {@code queue} requests; beyond that a request is
   * refused and counted.
   */
  static AdminServer start(String bindAddress, int port, int threads, int queue) throws IOException {
    return start(bindAddress, port, threads, queue, AdminAccess.open());
  }

  /** {@link #start(String, int, int, int)} with who may read what ({@link AdminAccess}). */
  static AdminServer start(String bindAddress, int port, int threads, int queue, AdminAccess access) throws IOException {
    dev.paved.core.internal.JdkHttpServerDefaults.apply();
    AtomicLong rejectedCounter = new AtomicLong();
    ThreadPoolExecutor executor = pool("paved-admin", threads * READERS_PER_THREAD, queue, rejectedCounter);
    ThreadPoolExecutor endpointExecutor = pool("paved-admin-endpoint", threads, queue, rejectedCounter);
    HttpServer http = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
    AdminServer admin = new AdminServer(http, executor, endpointExecutor, rejectedCounter);
    admin.access = access;
    http.setExecutor(executor);
    http.createContext("/", admin::dispatch);
    http.start();
    return admin;
  }

  private static ThreadPoolExecutor pool(String name, int threads, int queue, AtomicLong rejectedCounter) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            new DaemonThreadFactory(name),
            (r, e) -> {
              rejectedCounter.incrementAndGet();
              throw new RejectedExecutionException("admin server queue is full");
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Whether {@code path} is a probe, answered on the threads that read requests. */
  static boolean isProbe(String path) {
    return path.startsWith("/health/");
  }

  /** The port it listens on (the real one when 0 was asked), or -1 when disabled. */
  public int port() {
    HttpServer s = server;
    return s == null ? -1 : s.getAddress().getPort();
  }

  /** Whether the server listens. */
  public boolean isEnabled() {
    return server != null;
  }

  /**
   * Adds an endpoint at an exact path.
   *
   * @throws IllegalArgumentException if the path is taken or does not start with '/'
   */
  public void addEndpoint(String path, AdminEndpoint endpoint) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(endpoint, "endpoint");
    if (!path.startsWith("/") || path.length() > 1 && path.endsWith("/")) {
      throw new IllegalArgumentException("path: '" + path + "' (expected: starts with '/', no trailing '/')");
    }
    if (endpoints.putIfAbsent(path, endpoint) != null) {
      throw new IllegalArgumentException("path: '" + path + "' (expected: a path not yet taken)");
    }
  }

  /** The paths served. */
  public Set<String> paths() {
    return Collections.unmodifiableSet(new TreeSet<>(endpoints.keySet()));
  }

  /** Requests refused for want of a valid credential ({@code platform.admin.auth.tokens-file}). */
  public long refusedForAuth() {
    return access.failures();
  }

  /** Requests refused because the admin executor's queue was full. */
  public long rejectedRequests() {
    return rejected.get();
  }

  /**
   * The largest request header section the admin server answers (16 KB): probes, scrapes and
   * operators send far less; above it the answer is 431 and no endpoint runs.
   */
  public static final int MAX_HEADER_BYTES = 16 * 1024;

  private void dispatch(HttpExchange exchange) throws IOException {
    ThreadPoolExecutor offload = endpointExecutor;
    if (offload == null || isProbe(exchange.getRequestURI().getPath())) {
      respond(exchange);
      return;
    }
    try {
      offload.execute(
          () -> {
            try {
              respond(exchange);
            } catch (IOException | RuntimeException e) {
              LOG.warn("Admin endpoint " + exchange.getRequestURI().getPath() + " could not answer", e);
            }
          });
    } catch (RejectedExecutionException e) {
      try (exchange) {
        exchange.getResponseHeaders().set("Retry-After", "1");
        exchange.sendResponseHeaders(503, -1);
      }
    }
  }

  private void respond(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      AdminEndpoint endpoint = endpoints.get(path);
      AdminResponse response;
      if (dev.paved.core.internal.JdkHttpServerDefaults.headerBytes(exchange) > MAX_HEADER_BYTES) {
        response = AdminResponse.json(431, Map.of("error", "request headers too large", "limitBytes", MAX_HEADER_BYTES));
      } else if ((response = authorize(exchange, path)) != null) {
        // refused: 401 or 403, before anything else is said about the path
      } else if (endpoint == null) {
        response = AdminResponse.json(404, Map.of("error", "not found", "paths", paths()));
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        response = AdminResponse.json(405, Map.of("error", "method not allowed"));
      } else {
        String query = exchange.getRequestURI().getRawQuery();
        try {
          Map<String, java.util.List<String>> headers = new java.util.HashMap<>();
          exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), java.util.List.copyOf(v)));
          response = endpoint.handle(new AdminRequest(method, path, query == null ? "" : query, headers));
        } catch (Exception | LinkageError e) {
          LOG.warn("Admin endpoint " + path + " failed", e);
          response = AdminResponse.json(500, Map.of("error", "internal error"));
        }
      }
      byte[] body = response.bodyUnsafe();
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
      exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(response.status(), -1);
      } else {
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      }
    }
  }

  /** Null when the request may go on; else the refusal. */
  private @Nullable AdminResponse authorize(HttpExchange exchange, String path) {
    AdminAccess a = access;
    if (a.isOpen(path)) {
      return null;
    }
    String client = exchange.getRemoteAddress() == null ? "?" : exchange.getRemoteAddress().getAddress().getHostAddress();
    String identityHeader = a.identityHeader();
    String identity = identityHeader == null ? null : exchange.getRequestHeaders().getFirst(identityHeader);
    return switch (a.check(path, AdminAccess.Role.VIEWER, exchange.getRequestHeaders().getFirst("Authorization"), identity, client)) {
      case OPEN, ALLOWED -> null;
      case NO_CREDENTIAL -> {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"paved-admin\"");
        yield AdminResponse.json(401, Map.of(
            "error", "authentication required",
            "fix", "send 'Authorization: Bearer <token>' with a token of platform.admin.auth.tokens-file, or list the path in platform.admin.open-endpoints"));
      }
      case INVALID_CREDENTIAL -> {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"paved-admin\", error=\"invalid_token\"");
        yield AdminResponse.json(401, Map.of("error", "invalid credential"));
      }
      case FORBIDDEN -> AdminResponse.json(403, Map.of("error", "forbidden: the token's role may not do this"));
    };
  }

  void stop() {
    HttpServer s = server;
    if (s != null) {
      s.stop(0);
    }
    stop(endpointExecutor);
    stop(executor);
  }

  private static void stop(@Nullable ThreadPoolExecutor e) {
    if (e != null) {
      e.shutdown();
      try {
        if (!e.awaitTermination(1, TimeUnit.SECONDS)) {
          e.shutdownNow();
        }
      } catch (InterruptedException ie) {
        e.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
