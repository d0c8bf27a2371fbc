/**
 * Differential compatibility tests: a program (C sources compiled with gcc at test time, or a real
 * program such as busybox) runs natively and inside Cryo, and its exit status, output and
 * observable effects must match. The cases live in src/test/java; this package holds what they
 * share.
 */
package dev.cryo.compat;
