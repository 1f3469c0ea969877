/** The public API of platform-core: service identity, the platform lifecycle, layered configuration, health and the admin server. */
@NullMarked
package dev.paved.core;

import org.jspecify.annotations.NullMarked;
