@NullMarked
package dev.paved.config.flags;

import org.jspecify.annotations.NullMarked;
