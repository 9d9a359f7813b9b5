package org.xso.xen.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.xso.xen.DomId;

/**
 * The order xenstore lists children in, and the lookups that rely on it: a node keeps its children
 * sorted by {@link XsPaths#NAME_ORDER} and bisects them once it has more than a few.
 */
class NodeOrderProperties {

	@Property
	void nameOrderIsATotalOrderConsistentWithEquals(@ForAll("names") String a, @ForAll("names") String b,
			@ForAll("names") String c) {
		int ab = Integer.signum(XsPaths.NAME_ORDER.compare(a, b));
		assertThat(Integer.signum(XsPaths.NAME_ORDER.compare(b, a))).isEqualTo(-ab);
		assertThat(ab == 0).isEqualTo(a.equals(b));
		if (ab <= 0 && XsPaths.NAME_ORDER.compare(b, c) <= 0) {
			assertThat(XsPaths.NAME_ORDER.compare(a, c)).isLessThanOrEqualTo(0);
		}
	}

	@Property
	void digitRunsCompareByValue(@ForAll("prefixes") String prefix, @ForAll long x, @ForAll long y) {
		long m = Math.abs(x % 1_000_000_000L);
		long n = Math.abs(y % 1_000_000_000L);
		String a = prefix + m;
		String b = prefix + n;
		assertThat(Integer.signum(XsPaths.NAME_ORDER.compare(a, b))).isEqualTo(Long.signum(m - n));
	}

	@Property(tries = 200)
	void everyChildIsFoundAndListedInOrderWhateverTheInsertionOrder(@ForAll("nameLists") List<String> names) {
		Xenstore store = new Xenstore();
		XsConnection dom0 = store.connect(DomId.DOM0);
		for (String name : names) {
			dom0.write("/tool/n/" + name, name);
		}
		Set<String> distinct = new LinkedHashSet<>(names);
		for (String name : distinct) {
			assertThat(dom0.read("/tool/n/" + name)).isEqualTo(name);
		}
		List<String> expected = new ArrayList<>(distinct);
		expected.sort(XsPaths.NAME_ORDER);
		assertThat(dom0.directory("/tool/n")).containsExactlyElementsOf(expected);

		for (String name : distinct) {
			dom0.rm("/tool/n/" + name);
			expected.remove(name);
			assertThat(dom0.directory("/tool/n")).containsExactlyElementsOf(expected);
			assertThat(dom0.tryRead("/tool/n/" + name)).isEmpty();
		}
	}

	@Provide
	Arbitrary<String> names() {
		return Arbitraries.oneOf(Arbitraries.strings().withChars("ab0129").ofMinLength(1).ofMaxLength(6),
				Arbitraries.strings().withChars("v0").ofMinLength(1).ofMaxLength(4));
	}

	@Provide
	Arbitrary<String> prefixes() {
		return Arbitraries.of("", "vif", "vbd-", "ring-ref");
	}

	@Provide
	Arbitrary<List<String>> nameLists() {
		return names().list().ofMinSize(1).ofMaxSize(40);
	}

}
