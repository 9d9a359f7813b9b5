/**
 * HTTP concerns shared by every feature: the problem-detail catalogue and its rendering, ETag /
 * If-Match, Idempotency-Key, paging, strict JSON binding, and the Server-Sent Events stream with its
 * persisted, bounded event log.
 *
 * <p>
 * Dependency direction: this package depends on no feature. The features' HTTP adapters live in
 * {@code web.domain}, {@code web.checkpoint} and {@code web.operation}: controllers that read the
 * request (query parameters, headers, paging, {@code If-Match}) into the features' commands and give
 * their results a status and headers. Features throw {@link org.xso.problem.ProblemException}s,
 * record {@link org.xso.problem.Problem}s as operation outcomes and publish
 * {@link org.xso.events.StreamEvent}s, and import nothing from here; this package turns them into
 * RFC 9457 problem details and SSE frames.
 */
@NullMarked
package org.xso.web;

import org.jspecify.annotations.NullMarked;

