package org.xso.operation.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * What an operation did to one device: requests drained, shadowed, queued, replayed, re-issued,
 * transmits dropped, whether its ring was torn down, and the grant refs before and after (comma
 * separated) with the features a new backend lacked.
 */
@Embeddable
record DeviceOutcome(@Column(name = "device_type", length = 8) String deviceType, @Column(name = "devid") int devid,
		@Column(name = "drained") long drained, @Column(name = "shadowed") long shadowed,
		@Column(name = "queued") long queued, @Column(name = "replayed") long replayed,
		@Column(name = "reissued") long reissued, @Column(name = "dropped") long dropped,
		@Column(name = "ring_torn_down") boolean ringTornDown,
		@Column(name = "refs_before", length = REFS_LENGTH) String refsBefore,
		@Column(name = "refs_after", length = REFS_LENGTH) String refsAfter,
		@Column(name = "features_lost", length = 1024) String featuresLost) {

	/** Characters of a refs column: a full grant table's refs, comma separated (migration V5). */
	static final int REFS_LENGTH = 1_048_576;

	String key() {
		return deviceType + "/" + devid;
	}

}
