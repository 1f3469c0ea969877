package dev.paved.core;

import dev.paved.core.internal.ThrottledLogger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Who may read what on the admin port. Health ({@code /health/live}, {@code /health/ready}), {@code
 * /info} and {@code /metrics} are open: probes and Prometheus need them. So is the console's shell
 * ({@code /}, its script and style sheet, and {@code /console/session}, which tells the page its
 * caller's role): it holds no data, and every view's data is fetched with the caller's token. Every other endpoint
 * ({@code /config}, {@code /config/history}, {@code /traces}, {@code /slo}, ...) needs a bearer
 * token of role {@code viewer} or {@code operator}, unless the environment is {@code local}, {@code
 * dev} or {@code development}, or the operator opens the path ({@code platform.admin.open-endpoints}).
 *
 * <p>Tokens come from {@code platform.admin.auth.tokens-file}: one {@code <role> <token> [name]}
 * per line ({@code #} comments; the name is what the audit log shows of the caller, else the
 * token's line number), such as a Kubernetes Secret mounted as a file; the file is read again when
 * it changes (checked at most once a second), so a rotated token works without a restart. Tokens are
 * compared by their SHA-256 digests in constant time and never logged; failed attempts are counted
 * and logged a few times, then once a minute, with the client's address.
 *
 * <p>Behind a service mesh, the sidecar's client identity may stand in for a token: with {@code
 * platform.admin.auth.client-identity-header} set (such as {@code x-forwarded-client-cert}, whose
 * {@code URI=} element is the caller's SPIFFE ID), an identity listed in {@code
 * platform.admin.auth.viewers} or {@code .operators} has that role. Only for a sidecar that
 * removes the header from requests it did not authenticate (Envoy's {@code SANITIZE_SET}).
 */
final class AdminAccess {
  /** Endpoints that never need a credential. */
  static final Set<String> ALWAYS_OPEN = Set.of("/health/live", "/health/ready", "/info", "/metrics", "/", "/console/app.js", "/console/app.css", "/console/session");
  /** Environments in which every endpoint is open. */
  static final Set<String> OPEN_ENVIRONMENTS = Set.of("local", "dev", "development");

  /** Per platform: one platform's refusals never use up another's log lines. */
  private final ThrottledLogger log = new ThrottledLogger(LoggerFactory.getLogger(AdminAccess.class));
  private static final long RECHECK_NANOS = 1_000_000_000L;

  /** A role; an operator may do what a viewer may. */
  enum Role {
    VIEWER,
    OPERATOR
  }

  /** The outcome of a check. */
  enum Outcome {
    OPEN,
    ALLOWED,
    NO_CREDENTIAL,
    INVALID_CREDENTIAL,
    FORBIDDEN,
    /** An open environment, no credential, and not from this machine as {@code localhost}. */
    NOT_LOCAL
  }

  /** A token: its digest, role, and the name the audit log uses (never the token). */
  private record Token(byte[] digest, Role role, String name) {}

  private record Tokens(List<Token> tokens, @Nullable FileTime modified, long size) {}

  private final boolean allOpen;
  private final Set<String> openEndpoints;
  private final @Nullable Path tokensFile;
  private final @Nullable String identityHeader;
  private final Set<String> viewers;
  private final Set<String> operators;
  private volatile Tokens tokens = new Tokens(List.of(), null, -1);
  private volatile long checkedAt = System.nanoTime();
  private final AtomicLong failures = new AtomicLong();

  private AdminAccess(
      boolean allOpen, Set<String> openEndpoints, @Nullable Path tokensFile, @Nullable String identityHeader, List<String> viewers, List<String> operators) {
    this.allOpen = allOpen;
    this.openEndpoints = Set.copyOf(openEndpoints);
    this.tokensFile = tokensFile;
    this.identityHeader = identityHeader == null || identityHeader.isBlank() ? null : identityHeader.strip().toLowerCase(Locale.ROOT);
    this.viewers = Set.copyOf(viewers);
    this.operators = Set.copyOf(operators);
  }

  /** Every endpoint open (tests of the server itself, a disabled server). */
  static AdminAccess open() {
    return new AdminAccess(true, Set.of(), null, null, List.of(), List.of());
  }

  /**
   * The access of a platform in {@code environment}.
   *
   * @throws ConfigException when the tokens file is set but cannot be read, or holds no valid line
   */
  static AdminAccess of(
      String environment,
      List<String> openEndpoints,
      @Nullable Path tokensFile,
      String tokensFileSource,
      @Nullable String identityHeader,
      List<String> viewers,
      List<String> operators) {
    AdminAccess a =
        new AdminAccess(
            OPEN_ENVIRONMENTS.contains(environment.toLowerCase(Locale.ROOT)), Set.copyOf(openEndpoints), tokensFile, identityHeader, viewers, operators);
    if (tokensFile != null) {
      List<String> problems = new ArrayList<>();
      Tokens read = read(tokensFile, problems);
      if (read == null || read.tokens().isEmpty()) {
        throw new ConfigException(List.of(new ConfigProblem(
            CoreSettings.ADMIN_TOKENS_FILE.name(),
            tokensFileSource,
            read == null ? "cannot read " + tokensFile : "no token in " + tokensFile + (problems.isEmpty() ? "" : ": " + String.join("; ", problems)),
            "write one '<viewer|operator> <token>' per line, or unset it")));
      }
      a.tokens = read;
      LoggerFactory.getLogger(AdminAccess.class)
          .info("Admin port: {} tokens from {} ({} viewer, {} operator){}", read.tokens().size(), tokensFile,
              read.tokens().stream().filter(t -> t.role() == Role.VIEWER).count(), read.tokens().stream().filter(t -> t.role() == Role.OPERATOR).count(),
              problems.isEmpty() ? "" : "; " + String.join("; ", problems));
    }
    return a;
  }

  /** The header holding the caller's identity, lower case, or null when none is trusted. */
  @Nullable String identityHeader() {
    return identityHeader;
  }

  /**
   * The identity in a header value: for {@code x-forwarded-client-cert}, the {@code URI=} of its
   * first element (the caller that reached the sidecar); otherwise the value itself.
   */
  static @Nullable String identity(String header, @Nullable String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (!header.equals("x-forwarded-client-cert")) {
      return value.strip();
    }
    String first = value.split(",", 2)[0];
    for (String part : first.split(";")) {
      String p = part.strip();
      if (p.regionMatches(true, 0, "URI=", 0, 4)) {
        String uri = p.substring(4).strip();
        return uri.startsWith("\"") && uri.endsWith("\"") && uri.length() >= 2 ? uri.substring(1, uri.length() - 1) : uri;
      }
    }
    return null;
  }

  /** Failed attempts so far (no credential, a wrong one, or a role too low). */
  long failures() {
    return failures.get();
  }

  /**
   * Whether {@code path} is open to anyone from anywhere: the probes, {@code /info}, {@code
   * /metrics}, the console's shell, and what {@code platform.admin.open-endpoints} opens — never an
   * action ({@code /actions}, {@code /actions/...}). In an open environment the rest needs no
   * credential either, but only from this machine ({@link AdminServer}).
   */
  boolean isOpenToAnyone(String path) {
    return ALWAYS_OPEN.contains(path) || openEndpoints.contains(path) && !path.equals(AdminServer.ACTIONS) && !path.startsWith(AdminServer.ACTIONS + "/");
  }

  /**
   * Who is asking: their role (null when refused, with why) and a description for the audit log
   * that never holds a token: the token's name from the tokens file (else its line), or the mesh
   * identity; and the client's address.
   */
  record Caller(@Nullable Role role, String who, Outcome refusal) {}

  /**
   * The caller of a request, without counting a refusal ({@link #refused} does). {@code local}: the
   * request comes from loopback and names this machine ({@code localhost}, {@code 127.x.x.x}) as its
   * host — in an open environment, the only requests that need no credential (another machine, or
   * another site's page through a DNS name rebound to 127.0.0.1, needs one there too).
   */
  Caller authenticate(@Nullable String authorization, @Nullable String identityValue, String client, boolean local) {
    if (allOpen && (authorization == null || authorization.isBlank())) {
      return local
          ? new Caller(Role.OPERATOR, "anonymous from " + client + " (open environment)", Outcome.OPEN)
          : new Caller(null, client + " (not from this machine as localhost)", Outcome.NOT_LOCAL);
    }
    String header = identityHeader;
    if ((authorization == null || authorization.isBlank()) && header != null) {
      String id = identity(header, identityValue);
      if (id != null) {
        Role granted = operators.contains(id) ? Role.OPERATOR : viewers.contains(id) ? Role.VIEWER : null;
        return new Caller(granted, "identity " + id + " from " + client, Outcome.INVALID_CREDENTIAL);
      }
    }
    if (authorization == null || authorization.isBlank()) {
      return new Caller(null, client, Outcome.NO_CREDENTIAL);
    }
    String value = authorization.strip();
    if (value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Caller(null, client, Outcome.INVALID_CREDENTIAL);
    }
    byte[] digest = sha256(value.substring(7).strip());
    Token found = null;
    for (Token t : current().tokens()) {
      // Every token is compared, each in constant time: neither the match nor its position shows in the timing.
      if (MessageDigest.isEqual(t.digest(), digest) && found == null) {
        found = t;
      }
    }
    if (found == null) {
      return new Caller(null, client, Outcome.INVALID_CREDENTIAL);
    }
    return new Caller(found.role(), "token " + found.name() + " from " + client, Outcome.ALLOWED);
  }

  /** Counts and logs a refusal (a few times, then once a minute). */
  void refused(Outcome outcome, String path, String who) {
    failures.incrementAndGet();
    String why = outcome == Outcome.NOT_LOCAL ? "no credential" : outcome.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    log.warn("Admin request for " + path + " from " + who + " refused: " + why, null);
  }

  /** The tokens, read again when the file changed (looked at most once a second). */
  private Tokens current() {
    Path file = tokensFile;
    Tokens t = tokens;
    long now = System.nanoTime();
    if (file == null || now - checkedAt < RECHECK_NANOS) {
      return t;
    }
    checkedAt = now;
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (modified.equals(t.modified()) && size == t.size()) {
        return t;
      }
    } catch (IOException e) {
      log.warn("Admin tokens file " + file + " cannot be read (" + e.getClass().getSimpleName() + "); the tokens read before stay valid", null);
      return t;
    }
    List<String> problems = new ArrayList<>();
    Tokens read = read(file, problems);
    if (read == null || read.tokens().isEmpty()) {
      log.warn("Admin tokens file " + file + " holds no valid token now; the tokens read before stay valid", null);
      return t;
    }
    if (!problems.isEmpty()) {
      log.warn("Admin tokens file " + file + ": " + String.join("; ", problems), null);
    }
    tokens = read;
    LoggerFactory.getLogger(AdminAccess.class).info("Admin tokens read again from {}: {} tokens", file, read.tokens().size());
    return read;
  }

  /** The file's tokens; null when it cannot be read. Problems name lines, never their text. */
  private static @Nullable Tokens read(Path file, List<String> problems) {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (size > 1_000_000) {
        problems.add("larger than 1 MB");
        return new Tokens(List.of(), modified, size);
      }
      List<Token> tokens = new ArrayList<>();
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\\s+");
        Role role = parts.length == 2 || parts.length == 3 ? role(parts[0]) : null;
        if (role == null || parts[1].length() < 16) {
          problems.add("line " + (i + 1) + " is not '<viewer|operator> <token of 16 or more characters> [name]'");
          continue;
        }
        byte[] digest = sha256(parts[1]);
        String name = parts.length == 3 ? parts[2] : "of line " + (i + 1);
        tokens.add(new Token(digest, role, name));
      }
      return new Tokens(List.copyOf(tokens), modified, size);
    } catch (IOException e) {
      return null;
    }
  }

  private static @Nullable Role role(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "viewer" -> Role.VIEWER;
      case "operator" -> Role.OPERATOR;
      default -> null;
    };
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
