/**
 * The service's Backstage catalog entities, derived from its descriptor so ownership, links and
 * dependencies never drift from the code; their validation, registration, and the golden-path
 * conformance scorecard.
 */
@NullMarked
package dev.paved.catalog;

import org.jspecify.annotations.NullMarked;
