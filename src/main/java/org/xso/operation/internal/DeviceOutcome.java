package org.xso.operation.internal;

/**
 * What an operation did to one device: requests drained, shadowed, queued, replayed, re-issued,
 * transmits dropped, whether its ring was torn down, and the grant refs before and after (comma
 * separated) with the features a new backend lacked.
 */
record DeviceOutcome(String deviceType, int devid, long drained, long shadowed, long queued, long replayed,
		long reissued, long dropped, boolean ringTornDown, String refsBefore, String refsAfter, String featuresLost) {

	String key() {
		return deviceType + "/" + devid;
	}

}
