/**
 * SLOs as code: declared once, checked at start-up and build time, and turned into the
 * multi-window multi-burn-rate Prometheus rules of the Google SRE Workbook.
 */
@NullMarked
package dev.paved.slo;

import org.jspecify.annotations.NullMarked;
