package org.xso.checkpoint;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** A grant entry the frontend had issued at save time (ref as the unsigned number Xen uses). */
@Embeddable
record GrantRow(@Column(name = "ref") long ref, @Column(name = "flags") int flags,
		@Column(name = "grantee_domid") int granteeDomid, @Column(name = "frame") long frame) {
}
