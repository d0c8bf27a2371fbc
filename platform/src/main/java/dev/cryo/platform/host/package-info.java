/**
 * The native layer: jnr-ffi bindings to the host C library ({@link dev.cryo.platform.host.LibC}),
 * wrapped by one facade ({@link dev.cryo.platform.host.Host}) that turns errno into
 * {@link dev.cryo.platform.host.HostException}. The only package in Cryo that imports jnr.
 * Mirrors the JDK's sun.nio.fs.UnixNativeDispatcher.
 */
package dev.cryo.platform.host;
