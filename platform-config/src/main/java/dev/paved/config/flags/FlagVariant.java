package dev.paved.config.flags;

/**
 * The variant a flag gave: its name ({@code disabled} when the flag is off or unknown), its payload
 * as text (empty without one), and OpenFeature's reason.
 */
public record FlagVariant(String name, String value, String reason) {}
