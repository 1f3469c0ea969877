@NullMarked
package dev.paved.slo;

import org.jspecify.annotations.NullMarked;
