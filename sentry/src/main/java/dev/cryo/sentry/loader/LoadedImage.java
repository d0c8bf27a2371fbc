package dev.cryo.sentry.loader;

/** Where a loaded program starts: its first instruction and its initial stack pointer. */
public record LoadedImage(long entry, long stackPointer) {}
