/**
 * The audit trail's vocabulary: the name of the principal that asked for a change (an HTTP
 * request's caller, {@code anonymous} without authentication, {@code system} for what the service
 * does by itself) and the {@link org.xso.audit.Cause} every operation and event records.
 *
 * <p>
 * Depends on nothing of ours and on no framework: a controller turns the request's
 * {@link java.security.Principal} into a name here and passes the plain string down; feature code
 * never reads the request or the security context for it, so a name travels with the work (an
 * operation keeps it in its row, and its worker threads read it from there).
 */
@NullMarked
package org.xso.audit;

import org.jspecify.annotations.NullMarked;
