/**
 * Typed, validated, versioned configuration: sections bound to records and checked with Bean
 * Validation, a version and a content hash for every snapshot, an audit trail of every change, and
 * hot reload that never applies invalid configuration.
 */
@NullMarked
package dev.paved.config;

import org.jspecify.annotations.NullMarked;
