package org.xso.web.fuzz;

import java.util.Map;

/**
 * One generated request: the operation, its path, query and header values, and its body (a JSON
 * tree of maps, lists and scalars, a {@link Raw} text, or {@link #NO_BODY}). Values may be
 * {@link Known} references, resolved against the service's state when the request is sent.
 * {@code mutation} says how a valid request was made hostile (null if it was not).
 */
record FuzzRequest(Contract.Operation operation, Map<String, Object> path, Map<String, Object> query,
		Map<String, Object> headers, Object body, String contentType, String mutation) {

	/** The body of a request that has none. */
	static final Object NO_BODY = new Object() {
		@Override
		public String toString() {
			return "(none)";
		}
	};

	/** A body sent as this text, as it is (malformed JSON, a bare scalar, nothing at all). */
	record Raw(String text) {
	}

	/**
	 * A value the service's state supplies when the request is sent: the {@code pick}-th existing
	 * domain id, checkpoint or operation (or one that does not exist), or the current entity tag of
	 * the resource the path names.
	 */
	record Known(Kind kind, int pick) {

		enum Kind {

			DOMID, CHECKPOINT, OPERATION, ETAG

		}

	}

	FuzzRequest with(Map<String, Object> path, Map<String, Object> query, Map<String, Object> headers, Object body,
			String contentType, String mutation) {
		return new FuzzRequest(operation, path, query, headers, body, contentType, mutation);
	}

}
