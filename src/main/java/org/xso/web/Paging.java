package org.xso.web;

import org.springframework.data.domain.PageRequest;

/**
 * The {@code page} / {@code size} query parameters every list takes: page 0..10,000,000, size
 * 1..200. The page bound keeps the offset ({@code page * size}) an int, which is what the
 * persistence layer pages with; a page beyond it is a client mistake (400), not an overflow.
 */
public record Paging(int page, int size) {

	public static final int MAX_SIZE = 200;

	public static final int MAX_PAGE = 10_000_000;

	public static final int DEFAULT_SIZE = 20;

	public static Paging of(int page, int size) {
		if (page < 0 || page > MAX_PAGE) {
			throw ApiProblemException.invalid(InvalidParam.query("page", "must be 0.." + MAX_PAGE + ": " + page));
		}
		if (size < 1 || size > MAX_SIZE) {
			throw ApiProblemException.invalid(InvalidParam.query("size", "must be 1.." + MAX_SIZE + ": " + size));
		}
		return new Paging(page, size);
	}

	/** The page asked for; the feature that reads it orders it. */
	public PageRequest request() {
		return PageRequest.of(page, size);
	}

}
