package org.xso.problem;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What version of a resource a command was based on: none (the command applies to whatever is
 * current), any version, or one of some version tags. A resource's version tag is
 * {@link #tag(Object) its version in quotes}, the same token a client reads as the entity tag and
 * sends back as {@code If-Match}. {@code tags} is null for none.
 */
public record Precondition(@Nullable List<String> tags) {

	/** No precondition: the command applies to the current version. */
	public static final Precondition NONE = new Precondition(null);

	public Precondition {
		tags = tags == null ? null : List.copyOf(tags);
	}

	/** The command applies only if the current tag is one of {@code tags} ({@code *} matches any). */
	public static Precondition anyOf(List<String> tags) {
		return new Precondition(tags);
	}

	/** The version tag of a resource at {@code version}. */
	public static String tag(Object version) {
		return "\"" + version + "\"";
	}

	public boolean holdsFor(String current) {
		return tags == null || tags.stream().anyMatch(t -> t.equals("*") || t.equals(current));
	}

	/** PRECONDITION_FAILED, carrying the current tag, unless the command applies to {@code current}. */
	public void check(String current) {
		if (tags != null && !holdsFor(current)) {
			throw new ProblemException(ProblemCode.PRECONDITION_FAILED,
					"the request was based on version " + String.join(", ", tags) + ", but the current one is " + current)
				.withEtag(current);
		}
	}

}
