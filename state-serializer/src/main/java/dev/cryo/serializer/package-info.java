/**
 * The state serializer: the kernel object graph to bytes and back (Kryo, with a registry of
 * stable class ids and after-load hooks), the savability check, and the image container. Knows
 * nothing of the Sentry. Mirrors gVisor's pkg/state.
 */
package dev.cryo.serializer;
