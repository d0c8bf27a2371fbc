/**
 * The state serializer: turns the Sentry's kernel object graph into bytes and back (Kryo with
 * reference tracking and required, stable registration ids; {@code afterLoad} hooks for what
 * cannot be saved live; a check that every class reachable from the Kernel is savable), and the
 * versioned image container (magic, format version, sections, checksums). It knows nothing of
 * the Sentry. Mirrors gVisor's pkg/state. No sources yet.
 */
package dev.cryo.serializer;
