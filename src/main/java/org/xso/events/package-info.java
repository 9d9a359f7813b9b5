/**
 * What the service tells its clients happened: a feature publishes a {@link org.xso.events.StreamEvent}
 * through Spring's {@code ApplicationEventPublisher}; the web layer records it in the bounded event
 * log and streams it ({@code GET /api/v1/events}). The features know only this interface, never the
 * stream.
 */
@NullMarked
package org.xso.events;

import org.jspecify.annotations.NullMarked;
