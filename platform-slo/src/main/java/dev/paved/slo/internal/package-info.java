/**
 * Internal: not for public use. The generators of the files derived from the SLO declarations
 * (Prometheus rules, OpenSLO, a Grafana dashboard), used by the SLO module and by the Maven
 * plugin's {@code paved:slo} goal; their output is the contract, documented in docs/slo.md.
 */
@NullMarked
package dev.paved.slo.internal;

import org.jspecify.annotations.NullMarked;
