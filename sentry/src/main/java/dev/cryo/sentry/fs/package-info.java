/** The filesystems (one sub-package each) and how they are put together into a sandbox's tree. */
package dev.cryo.sentry.fs;
