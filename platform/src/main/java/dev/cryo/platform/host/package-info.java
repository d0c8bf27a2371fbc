/**
 * The native layer: the host C library's functions as jffi call sites
 * ({@link dev.cryo.platform.host.LibC}; jffi is the JNI core of jnr-ffi), wrapped by one facade
 * ({@link dev.cryo.platform.host.Host}) that turns errno into
 * {@link dev.cryo.platform.host.HostException}. The only package in Cryo that imports jnr or
 * jffi. Mirrors the JDK's sun.nio.fs.UnixNativeDispatcher.
 */
package dev.cryo.platform.host;
