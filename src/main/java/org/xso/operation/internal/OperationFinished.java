package org.xso.operation.internal;

import org.xso.operation.OperationViews;

/**
 * An operation ended, as it was recorded: published by the transaction that ends it and delivered
 * after that commits, so a request waiting for the end is answered from it without reading the
 * operation again.
 */
record OperationFinished(OperationViews.OperationView view) {
}
