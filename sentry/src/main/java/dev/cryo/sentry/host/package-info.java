/** The Sentry's edge with the host: turning host errors into guest errors, in one place. */
package dev.cryo.sentry.host;
