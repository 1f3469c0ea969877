@NullMarked
package dev.paved.catalog;

import org.jspecify.annotations.NullMarked;
