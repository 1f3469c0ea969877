@NullMarked
package dev.paved.config;

import org.jspecify.annotations.NullMarked;
