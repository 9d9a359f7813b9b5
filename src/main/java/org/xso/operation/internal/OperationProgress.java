package org.xso.operation.internal;

import org.xso.operation.OperationState;
import org.xso.operation.PhaseState;

/** Overall progress in percent: the weights of done phases plus the running phase's share. */
final class OperationProgress {

	private OperationProgress() {
	}

	static int overall(Operation op) {
		if (op.state() == OperationState.SUCCEEDED) {
			return 100;
		}
		int total = 0;
		int done = 0;
		for (PhaseRecord r : op.phases()) {
			int w = r.phase().weight();
			total += w;
			if (r.state() == PhaseState.DONE || r.state() == PhaseState.COMPENSATED) {
				done += w * 100;
			}
			else if (r.state() == PhaseState.RUNNING) {
				done += w * r.progress();
			}
		}
		return total == 0 ? 0 : done / total;
	}

}
