/**
 * HTTP concerns shared by every feature: the problem-detail catalogue and its rendering, ETag /
 * If-Match, Idempotency-Key, paging, strict JSON binding, and the Server-Sent Events stream with its
 * persisted, bounded event log.
 *
 * <p>
 * Dependency direction: the features ({@code domain}, {@code checkpoint}, {@code operation}) keep
 * their own controllers (package by feature) and depend on this package; this package depends on no
 * feature. Features publish {@link org.xso.web.StreamEvent}s and throw
 * {@link org.xso.web.ProblemException}s; this package turns them into SSE frames and RFC 9457
 * problem details. That keeps the module graph acyclic.
 */
@NullMarked
package org.xso.web;

import org.jspecify.annotations.NullMarked;
