/**
 * The ELF loader: maps a program (and its interpreter) and builds the initial stack and
 * auxiliary vector. Mirrors Linux's fs/binfmt_elf.c and gVisor's pkg/sentry/loader.
 */
package dev.cryo.sentry.loader;
