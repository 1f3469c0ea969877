package dev.paved.config.flags;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.paved.core.Platform;
import dev.paved.core.ServiceDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * The service's feature flags: {@code Flags.of(platform).isEnabled("new-checkout")}. A short form
 * over an OpenFeature {@link Client} (use {@link #client()} for everything else); Paved's provider
 * evaluates with Unleash's rules, and evaluation never throws — an unknown flag, Unleash being
 * down or a payload of the wrong type give the default.
 *
 * <p>Without a context argument, the request's context is used: OpenTelemetry baggage ({@code
 * user.id} is the targeting key). The environment and application name are the service
 * descriptor's.
 */
public final class Flags {
  private final OpenFeatureAPI api;
  private final Client client;
  private final UnleashProvider provider;
  private final ServiceDescriptor descriptor;
  private @Nullable TestFlags testFlags;

  Flags(OpenFeatureAPI api, Client client, UnleashProvider provider, ServiceDescriptor descriptor) {
    this.api = api;
    this.client = client;
    this.provider = provider;
    this.descriptor = descriptor;
  }

  /** The one {@link TestFlags} of this platform. */
  synchronized TestFlags testFlags() {
    TestFlags t = testFlags;
    if (t == null) {
      t = new TestFlags(provider, descriptor);
      testFlags = t;
    }
    return t;
  }

  /** The flags of a running platform; requires platform-config on the classpath. */
  public static Flags of(Platform platform) {
    return platform.require(Flags.class);
  }

  /** Whether {@code key} is on; false when unknown. */
  public boolean isEnabled(String key) {
    return client.getBooleanValue(key, false);
  }

  /** Whether {@code key} is on; {@code defaultValue} when unknown or unavailable. */
  public boolean isEnabled(String key, boolean defaultValue) {
    return client.getBooleanValue(key, defaultValue);
  }

  /** Whether {@code key} is on for {@code targetingKey} (a user id). */
  public boolean isEnabled(String key, String targetingKey) {
    return client.getBooleanValue(key, false, new ImmutableContext(targetingKey));
  }

  /** Whether {@code key} is on for {@code context}. */
  public boolean isEnabled(String key, EvaluationContext context) {
    return client.getBooleanValue(key, false, context);
  }

  /** The string payload of the variant {@code key} gives, else {@code defaultValue}. */
  public String getString(String key, String defaultValue) {
    return client.getStringValue(key, defaultValue);
  }

  /** The integer payload of the variant {@code key} gives, else {@code defaultValue}. */
  public int getInteger(String key, int defaultValue) {
    return client.getIntegerValue(key, defaultValue);
  }

  /** The number payload of the variant {@code key} gives, else {@code defaultValue}. */
  public double getDouble(String key, double defaultValue) {
    return client.getDoubleValue(key, defaultValue);
  }

  /** The variant {@code key} gives for the request's context. */
  public FlagVariant getVariant(String key) {
    return variant(client.getStringDetails(key, ""));
  }

  /** The variant {@code key} gives for {@code targetingKey} (a user id, or what stickiness follows). */
  public FlagVariant getVariant(String key, String targetingKey) {
    return variant(client.getStringDetails(key, "", new ImmutableContext(targetingKey)));
  }

  /** The variant {@code key} gives for {@code context}. */
  public FlagVariant getVariant(String key, EvaluationContext context) {
    return variant(client.getStringDetails(key, "", context));
  }

  private static FlagVariant variant(FlagEvaluationDetails<String> d) {
    String name = d.getVariant() == null ? "disabled" : d.getVariant();
    return new FlagVariant(name, d.getValue() == null ? "" : d.getValue(), d.getReason() == null ? "UNKNOWN" : d.getReason());
  }

  /** The OpenFeature client, with Paved's provider and hooks. */
  public Client client() {
    return client;
  }

  /** The isolated OpenFeature API instance behind it (not the global one, unless asked). */
  public OpenFeatureAPI api() {
    return api;
  }
}
