package org.xso.checkpoint;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** A saved ring's indices and grant refs, queryable without decoding the device's bytes. */
@Embeddable
record RingRow(@Column(name = "name", length = 16) String name, @Column(name = "page_order") int pageOrder,
		@Column(name = "refs", length = 1024) String refs, @Column(name = "req_prod") int reqProd,
		@Column(name = "req_event") int reqEvent, @Column(name = "rsp_prod") int rspProd,
		@Column(name = "rsp_event") int rspEvent, @Column(name = "req_prod_pvt") int reqProdPvt,
		@Column(name = "rsp_cons") int rspCons) {
}
