/** The {@code cryo} command line (picocli), following runc and runsc: flags, exit statuses, output. */
package dev.cryo.cli;
