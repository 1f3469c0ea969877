/**
 * The public API of platform-observability: OpenTelemetry traces, JSON logs correlated with traces,
 * RED metrics with OpenTelemetry semantic-convention names, and instrumentation for HTTP servers,
 * HTTP clients and executors.
 */
@NullMarked
package dev.paved.observability;

import org.jspecify.annotations.NullMarked;
