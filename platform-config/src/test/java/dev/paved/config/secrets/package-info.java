@NullMarked
package dev.paved.config.secrets;

import org.jspecify.annotations.NullMarked;
