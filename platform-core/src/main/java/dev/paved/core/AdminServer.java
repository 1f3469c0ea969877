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
  private final Map<String, Action> actions = new ConcurrentHashMap<>();
  private final Map<String, Temporary> temporaries = new ConcurrentHashMap<>();
  private static final org.slf4j.Logger AUDIT = LoggerFactory.getLogger("dev.paved.admin.audit");

  /** A registered action: what it does, in a line, and the parameters it takes. */
  private record Action(String description, java.util.List<String> parameters, AdminAction action) {}

  /** A state an action set that ends by itself. */
  private record Temporary(String action, String target, java.time.Instant expiresAt, String setBy, Runnable revert) {}

  /** The path prefix of actions: {@code POST /actions/<name>}. */
  public static final String ACTIONS = "/actions";

  /** What the console asks first: the caller's role, and the paths and actions it may use. */
  static final String SESSION = "/console/session";

  /** The header every action request must carry, with the action's name as its value. */
  public static final String ACTION_HEADER = "X-Paved-Action";

  /** The largest action request body (8 KB); above it the answer is 413 and no action runs. */
  public static final int MAX_ACTION_BODY_BYTES = 8 * 1024;
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

  /**
   * Adds an operator action at {@code POST /actions/<name>} (see {@link AdminAction}). {@code
   * GET /actions} lists every action and the states they set that have not yet ended.
   *
   * @param parameters the names of the parameters it reads, for the list and the console
   * @throws IllegalArgumentException if the name is taken or not lower-case letters, digits and '-'
   */
  public void addAction(String name, String description, java.util.List<String> parameters, AdminAction action) {
    Objects.requireNonNull(action, "action");
    if (!name.matches("[a-z][a-z0-9-]*") || name.equals("revert")) {
      throw new IllegalArgumentException("name: '" + name + "' (expected: lower-case letters, digits and '-', not 'revert')");
    }
    if (actions.putIfAbsent(name, new Action(description, java.util.List.copyOf(parameters), action)) != null) {
      throw new IllegalArgumentException("name: '" + name + "' (expected: an action name not yet taken)");
    }
  }

  /** The names of the actions. */
  public Set<String> actions() {
    return Collections.unmodifiableSet(new TreeSet<>(actions.keySet()));
  }

  /**
   * A state an action set: what was there before (as text, for the answer and the audit line) and
   * how to undo it.
   */
  public record Undo(@Nullable String before, Runnable undo) {
    public Undo {
      Objects.requireNonNull(undo, "undo");
    }
  }

  /**
   * Sets a state for the request's {@code duration}, atomically per key: {@code apply} changes the
   * state and returns what was there and how to undo it; that undo runs when the state ends — by
   * itself, at {@code POST /actions/revert} with its key, or when the platform stops. When the key
   * already holds a state, the first undo is kept (it restores what was there before any action)
   * and only the end moves. Two actions on one key never interleave.
   *
   * @param key what the state is on, such as {@code logger:dev.paved}: one state per key
   * @param target what the answer and the audit line say was acted on
   * @param after the state it sets, as text
   * @throws IllegalArgumentException from {@code apply}, which then changed nothing
   * @throws IllegalStateException when the platform is stopping (actions are refused then)
   */
  public AdminActionResult temporary(
      String key, AdminActionRequest request, java.time.Duration duration, String target, String after, java.util.function.Supplier<Undo> apply) {
    if (!acceptingActions) {
      throw new IllegalStateException("the platform is stopping");
    }
    java.time.Instant end = java.time.Instant.now().plus(duration);
    String[] before = new String[1];
    temporaries.compute(
        key,
        (k, old) -> {
          Undo undo = Objects.requireNonNull(apply.get(), "apply returned no undo");
          before[0] = undo.before();
          return new Temporary(request.action(), key, end, request.caller(), old == null ? undo.undo() : old.revert());
        });
    return new AdminActionResult(target, before[0], after, end);
  }

  /** Whether actions are still taken: not once the platform has begun to undo them at shutdown. */
  private volatile boolean acceptingActions = true;

  /** Ends the states whose time is up; the platform calls it every second. */
  void expireTemporaries() {
    java.time.Instant now = java.time.Instant.now();
    for (String key : temporaries.keySet()) {
      temporaries.computeIfPresent(key, (k, t) -> t.expiresAt().isAfter(now) ? t : end(t, "expired", "the platform"));
    }
  }

  /** Ends every state an action set and takes no more actions (the platform stops). */
  void revertTemporaries() {
    acceptingActions = false;
    for (String key : temporaries.keySet()) {
      temporaries.computeIfPresent(key, (k, t) -> end(t, "reverted at shutdown", "the platform"));
    }
  }

  /** Runs a state's undo, under its key's lock; returns null (the entry goes either way). */
  private @Nullable Temporary end(Temporary t, String outcome, String by) {
    try {
      t.revert().run();
      audit(t.action(), outcome, by, t.target(), null, null, null, null);
    } catch (RuntimeException e) {
      LOG.warn("Admin action " + t.action() + " on " + t.target() + " could not be undone", e);
      audit(t.action(), "undo failed", by, t.target(), null, null, null, e.getClass().getName());
    }
    return null;
  }

  private static void audit(
      String action,
      String outcome,
      String caller,
      @Nullable String target,
      @Nullable String before,
      @Nullable String after,
      java.time.@Nullable Instant until,
      @Nullable String reason) {
    AUDIT.atInfo()
        .addKeyValue("admin.reason", reason)
        .addKeyValue("event.kind", "admin_action")
        .addKeyValue("admin.action", action)
        .addKeyValue("admin.outcome", outcome)
        .addKeyValue("admin.caller", caller)
        .addKeyValue("admin.target", target)
        .addKeyValue("admin.before", before)
        .addKeyValue("admin.after", after)
        .addKeyValue("admin.expires_at", until == null ? null : until.toString())
        .log("Admin action {} {} by {}{}{}{}", action, outcome, caller, target == null ? "" : " on " + target,
            before == null && after == null ? "" : ": " + before + " -> " + after + (until == null ? "" : " until " + until), reason == null ? "" : ": " + reason);
  }

  private Map<String, Object> actionsBody() {
    java.util.List<Object> list = new java.util.ArrayList<>();
    new java.util.TreeMap<>(actions).forEach((name, a) -> list.add(Map.of("name", name, "description", a.description(), "parameters", a.parameters())));
    list.add(Map.of("name", "revert", "description", "End a state an action set, now (its key as listed under active)", "parameters", java.util.List.of("key")));
    java.util.List<Object> active = new java.util.ArrayList<>();
    temporaries.values().stream()
        .sorted(java.util.Comparator.comparing(Temporary::expiresAt))
        .forEach(t -> active.add(Map.of("key", t.target(), "action", t.action(), "expiresAt", t.expiresAt().toString(), "setBy", t.setBy())));
    return Map.of("actions", list, "active", active);
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
      String actionName = path.startsWith(ACTIONS + "/") ? path.substring(ACTIONS.length() + 1) : null;
      boolean isAction = actionName != null && (actions.containsKey(actionName) || actionName.equals("revert"));
      AdminResponse response;
      if (dev.paved.core.internal.JdkHttpServerDefaults.headerBytes(exchange) > MAX_HEADER_BYTES) {
        response = AdminResponse.json(431, Map.of("error", "request headers too large", "limitBytes", MAX_HEADER_BYTES));
      } else if ((response = authorize(exchange, path, isAction ? AdminAccess.Role.OPERATOR : AdminAccess.Role.VIEWER)) != null) {
        // refused: 401 or 403, before anything else is said about the path
      } else if (isAction) {
        response = perform(exchange, java.util.Objects.requireNonNull(actionName));
      } else if ((path.equals(ACTIONS) || path.equals(SESSION)) && !method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        response = AdminResponse.json(405, Map.of("error", "method not allowed"));
      } else if (path.equals(ACTIONS)) {
        response = AdminResponse.json(200, actionsBody());
      } else if (path.equals(SESSION)) {
        response = AdminResponse.json(200, session(exchange));
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
      exchange.getResponseHeaders().set("Content-Security-Policy", response.contentType().startsWith("text/html") ? CONSOLE_POLICY : "default-src 'none'; frame-ancestors 'none'");
      exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
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

  /**
   * The console page's policy: its script and style sheet from this server only (no inline script
   * or style), data fetched from this server only, never framed.
   */
  static final String CONSOLE_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static boolean isLoopback(HttpExchange exchange) {
    return exchange.getRemoteAddress() != null && exchange.getRemoteAddress().getAddress().isLoopbackAddress();
  }

  /** Whether a Host header names this machine: localhost, a loopback address, with or without a port. */
  static boolean isLocalHost(@Nullable String host) {
    if (host == null) {
      return false;
    }
    String h = host.strip().toLowerCase(java.util.Locale.ROOT);
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      return close > 0 && h.substring(1, close).equals("::1");
    }
    int colon = h.indexOf(':');
    String name = colon < 0 ? h : h.substring(0, colon);
    return name.equals("localhost") || name.matches("127(\\.\\d{1,3}){3}");
  }

  private static String client(HttpExchange exchange) {
    return exchange.getRemoteAddress() == null ? "?" : exchange.getRemoteAddress().getAddress().getHostAddress();
  }

  private AdminAccess.Caller caller(HttpExchange exchange) {
    AdminAccess a = access;
    String identityHeader = a.identityHeader();
    String identity = identityHeader == null ? null : exchange.getRequestHeaders().getFirst(identityHeader);
    boolean local = isLoopback(exchange) && isLocalHost(exchange.getRequestHeaders().getFirst("Host"));
    return a.authenticate(exchange.getRequestHeaders().getFirst("Authorization"), identity, client(exchange), local);
  }

  /** What the console asks first: the caller's role, and what it may see and do. */
  private Map<String, Object> session(HttpExchange exchange) {
    AdminAccess.Caller c = caller(exchange);
    AdminAccess.Role role = c.role();
    String credential =
        switch (c.refusal()) {
          case OPEN -> "open";
          case NO_CREDENTIAL, NOT_LOCAL -> "none";
          default -> role != null ? "valid" : "invalid";
        };
    if (credential.equals("invalid")) {
      access.refused(c.refusal(), SESSION, c.who());
    }
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("credential", credential);
    body.put("role", role == null ? null : role.name().toLowerCase(java.util.Locale.ROOT));
    java.util.List<String> readable = new java.util.ArrayList<>(paths());
    readable.add(ACTIONS);
    java.util.Collections.sort(readable);
    java.util.List<String> doable = new java.util.ArrayList<>(actions());
    doable.add("revert");
    body.put("paths", role == null ? java.util.List.of() : readable);
    body.put("actions", role == AdminAccess.Role.OPERATOR ? doable : java.util.List.of());
    return body;
  }

  /** Runs an action after checking what an action request must be; its outcome is audited. */
  private AdminResponse perform(HttpExchange exchange, String name) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      exchange.getResponseHeaders().set("Allow", "POST");
      return AdminResponse.json(405, Map.of("error", "method not allowed: an action is a POST"));
    }
    if (!name.equals(exchange.getRequestHeaders().getFirst(ACTION_HEADER))) {
      // A header a form or a link cannot set, so that another site's page cannot trigger an action.
      return AdminResponse.json(400, Map.of("error", "missing header " + ACTION_HEADER + ": " + name));
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null && !type.strip().toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      return AdminResponse.json(415, Map.of("error", "unsupported media type: send application/json"));
    }
    byte[] body = exchange.getRequestBody().readNBytes(MAX_ACTION_BODY_BYTES + 1);
    if (body.length > MAX_ACTION_BODY_BYTES) {
      return AdminResponse.json(413, Map.of("error", "request body too large", "limitBytes", MAX_ACTION_BODY_BYTES));
    }
    String who = caller(exchange).who();
    Map<String, String> parameters = new java.util.TreeMap<>();
    String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
    if (!text.isEmpty()) {
      try {
        if (!(dev.paved.core.internal.YamlReader.readTree(text) instanceof Map<?, ?>)) {
          return AdminResponse.json(400, Map.of("error", "the body is not a JSON object"));
        }
        dev.paved.core.internal.YamlReader.read(text).forEach((k, v) -> parameters.put(k, v.value()));
      } catch (dev.paved.core.internal.YamlReader.YamlException e) {
        return AdminResponse.json(400, Map.of("error", "the body is not a JSON object: " + e.getMessage()));
      }
    }
    if (!acceptingActions) {
      return AdminResponse.json(503, Map.of("error", "the platform is stopping: no more actions"));
    }
    java.util.List<String> accepted = name.equals("revert") ? java.util.List.of("key") : java.util.Objects.requireNonNull(actions.get(name)).parameters();
    for (String given : parameters.keySet()) {
      if (!accepted.contains(given)) {
        // A misspelt parameter must not fall back to a default silently.
        audit(name, "rejected", who, null, null, null, null, "unknown parameter " + given);
        return AdminResponse.json(400, Map.of("error", "parameter '" + given + "' is not one of " + name + "'s: " + accepted));
      }
    }
    if (name.equals("revert")) {
      String key = parameters.getOrDefault("key", "").strip();
      if (key.isEmpty()) {
        return AdminResponse.json(400, Map.of("error", "key: missing (expected: a key listed under active by GET /actions)"));
      }
      boolean[] found = new boolean[1];
      temporaries.computeIfPresent(
          key,
          (k, t) -> {
            found[0] = true;
            return end(t, "reverted", who);
          });
      if (!found[0]) {
        return AdminResponse.json(404, Map.of("error", "no active state with key '" + key + "'", "active", java.util.List.copyOf(temporaries.keySet())));
      }
      return AdminResponse.json(200, Map.of("action", "revert", "target", key));
    }
    Action action = java.util.Objects.requireNonNull(actions.get(name));
    AdminActionResult result;
    try {
      result = action.action().perform(new AdminActionRequest(name, parameters, who));
    } catch (IllegalArgumentException e) {
      audit(name, "rejected", who, null, null, null, null, e.getMessage());
      return AdminResponse.json(400, Map.of("error", String.valueOf(e.getMessage())));
    } catch (Exception | LinkageError e) {
      LOG.warn("Admin action " + name + " failed", e);
      audit(name, "failed", who, null, null, null, null, e.getClass().getName());
      return AdminResponse.json(500, Map.of("error", "internal error"));
    }
    audit(name, "applied", who, result.target(), result.before(), result.after(), result.expiresAt(), null);
    Map<String, Object> answer = new java.util.LinkedHashMap<>();
    answer.put("action", name);
    answer.put("target", result.target());
    answer.put("before", result.before());
    answer.put("after", result.after());
    answer.put("expiresAt", result.expiresAt() == null ? null : result.expiresAt().toString());
    return AdminResponse.json(200, answer);
  }

  /** Null when the request may go on; else the refusal. */
  private @Nullable AdminResponse authorize(HttpExchange exchange, String path, AdminAccess.Role role) {
    AdminAccess a = access;
    if (role == AdminAccess.Role.VIEWER && a.isOpenToAnyone(path)) {
      return null;
    }
    AdminAccess.Caller c = caller(exchange);
    AdminAccess.Role granted = c.role();
    if (granted == null) {
      a.refused(c.refusal(), path, c.who());
      return switch (c.refusal()) {
        case NOT_LOCAL -> {
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"paved-admin\"");
          yield AdminResponse.json(401, Map.of(
              "error", "authentication required: without a token, only from this machine as localhost or 127.0.0.1, also in an open environment",
              "fix", "send 'Authorization: Bearer <token>' with a token of platform.admin.auth.tokens-file, or use kubectl port-forward"));
        }
        case NO_CREDENTIAL -> {
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"paved-admin\"");
          yield AdminResponse.json(401, Map.of(
              "error", "authentication required",
              "fix", "send 'Authorization: Bearer <token>' with a token of platform.admin.auth.tokens-file, or list the path in platform.admin.open-endpoints"));
        }
        default -> {
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"paved-admin\", error=\"invalid_token\"");
          yield AdminResponse.json(401, Map.of("error", "invalid credential"));
        }
      };
    }
    if (granted.ordinal() < role.ordinal()) {
      a.refused(AdminAccess.Outcome.FORBIDDEN, path, c.who());
      return AdminResponse.json(403, Map.of("error", "forbidden: the token's role may not do this"));
    }
    return null;
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
