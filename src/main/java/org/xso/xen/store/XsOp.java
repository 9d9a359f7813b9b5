package org.xso.xen.store;

/** A committed change to the tree, as recorded in {@link Xenstore#history()}. */
public enum XsOp {

	WRITE, MKDIR, RM, SET_PERMS

}
