package org.xso.xen.store;

/**
 * An {@code XS_WATCH_EVENT}: the path that changed (relative if the watch was registered with a
 * relative path) and the token given at registration.
 */
public record XsWatchEvent(String path, String token) {

}
