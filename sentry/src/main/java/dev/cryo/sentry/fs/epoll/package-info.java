/**
 * epoll instances (Linux's fs/eventpoll.c). An instance is its interest list and nothing else:
 * readiness is asked of the watched files each time a wait looks, so a checkpoint saves the
 * list and a restored wait finds every ready file again.
 */
package dev.cryo.sentry.fs.epoll;
