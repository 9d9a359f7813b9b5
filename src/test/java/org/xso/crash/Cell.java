package org.xso.crash;

import java.util.ArrayList;
import java.util.List;

/**
 * One cell of the matrix: what is driven (an operation kind, or a plain request that answers 2xx)
 * and where the service is killed: right after the 2xx, or while the API shows a given phase.
 */
record Cell(Kind kind, String point) {

	/** What the matrix drives. */
	enum Kind {

		SUSPEND_SHADOW_REPLAY("suspend SHADOW_REPLAY", "202", "QUIESCE", "SAVE", "PERSIST", "SUSPEND"),
		SUSPEND_SUSPEND_RESUME("suspend SUSPEND_RESUME", "202", "QUIESCE", "SAVE", "PERSIST", "SUSPEND"),
		CHECKPOINT("live checkpoint", "202", "QUIESCE", "SAVE", "PERSIST", "THAW"),
		RESUME("resume", "202", "VERIFY_CHECKPOINT", "RESTORE"),
		RESTORE("restore into a new domain", "202", "VERIFY_CHECKPOINT", "RESTORE"),
		PERIODIC("periodic checkpointing", "202", "EPOCHS"),
		CREATE("create domain", "201"),
		PATCH("patch domain", "200");

		final String title;

		final List<String> points;

		Kind(String title, String... points) {
			this.title = title;
			this.points = List.of(points);
		}

		boolean isOperation() {
			return this != CREATE && this != PATCH;
		}

		/** The strategy a suspend or checkpoint of this kind uses. */
		String strategy() {
			return this == SUSPEND_SHADOW_REPLAY ? "SHADOW_REPLAY" : "SUSPEND_RESUME";
		}

	}

	/** A kill right after the answer, not in a phase. */
	boolean afterAnswer() {
		return point.chars().allMatch(Character::isDigit);
	}

	/** How the point reads in the matrix. */
	String pointTitle() {
		return afterAnswer() ? "right after " + point : "in " + point;
	}

	String id() {
		return kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + point.toLowerCase(java.util.Locale.ROOT);
	}

	static List<Cell> all() {
		List<Cell> cells = new ArrayList<>();
		for (Kind k : Kind.values()) {
			for (String p : k.points) {
				cells.add(new Cell(k, p));
			}
		}
		return cells;
	}

}
