/**
 * Text from outside the service (a request, a stored row, another program's message) made safe to
 * show where it could otherwise forge or disturb what people read: a log line, a problem detail.
 * Depends on nothing of ours, so every module may use it.
 */
@NullMarked
package org.xso.text;

import org.jspecify.annotations.NullMarked;
