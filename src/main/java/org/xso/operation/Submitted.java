package org.xso.operation;

/** An accepted operation, and whether it is the one an earlier request with the same key started. */
public record Submitted(OperationViews.OperationView operation, boolean repeated) {
}
