/** Not API: public only so that other Paved modules can share it. May change in any release. */
@NullMarked
package dev.paved.core.internal;

import org.jspecify.annotations.NullMarked;
