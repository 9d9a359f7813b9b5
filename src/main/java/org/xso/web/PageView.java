package org.xso.web;

import java.util.List;
import java.util.function.Function;

import org.springframework.data.domain.Page;

/** One page of a list: its items and where it sits in the whole. */
public record PageView<T>(List<T> items, int page, int size, long totalItems, int totalPages) {

	public static <T> PageView<T> of(Page<T> page) {
		return of(page, Function.identity());
	}

	public static <E, T> PageView<T> of(Page<E> page, Function<E, T> mapper) {
		return new PageView<>(page.getContent().stream().map(mapper).toList(), page.getNumber(), page.getSize(),
				page.getTotalElements(), page.getTotalPages());
	}

	public static <T> PageView<T> ofList(List<T> all, Paging paging) {
		int from = (int) Math.min((long) paging.page() * paging.size(), all.size());
		int to = Math.min(from + paging.size(), all.size());
		int pages = (all.size() + paging.size() - 1) / paging.size();
		return new PageView<>(List.copyOf(all.subList(from, to)), paging.page(), paging.size(), all.size(), pages);
	}

}
