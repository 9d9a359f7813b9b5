package org.xso.text;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SafeTextTests {

	@Test
	void quotesAForgedLogLineAsOneLine() {
		assertThat(SafeText.quote("x\n\u001b[31mFAKE LOG LINE")).isEqualTo("\"x\\n\\u001b[31mFAKE LOG LINE\"");
		assertThat(SafeText.quote("a\r\nb\tc")).isEqualTo("\"a\\r\\nb\\tc\"");
	}

	@Test
	void escapesNulAndFormatCharacters() {
		assertThat(SafeText.quote("a\u0000b")).isEqualTo("\"a\\u0000b\"");
		assertThat(SafeText.quote("evil\u202Etxt.exe")).isEqualTo("\"evil\\u202etxt.exe\"");
		assertThat(SafeText.quote("\uFEFFzero\u200Bwidth")).isEqualTo("\"\\ufeffzero\\u200bwidth\"");
		assertThat(SafeText.quote("line\u2028para\u2029")).isEqualTo("\"line\\u2028para\\u2029\"");
		assertThat(SafeText.quote("c1\u0085\u009b")).isEqualTo("\"c1\\u0085\\u009b\"");
	}

	@Test
	void escapesFormatCharactersOutsideTheBasicPlaneAndLoneSurrogatesWhole() {
		// U+E0001 LANGUAGE TAG is a format character; U+1F600 is an ordinary symbol
		assertThat(SafeText.quote("\uDB40\uDC01")).isEqualTo("\"\\udb40\\udc01\"");
		assertThat(SafeText.quote("smile \uD83D\uDE00")).isEqualTo("\"smile \uD83D\uDE00\"");
		assertThat(SafeText.quote("lone \uD83D end")).isEqualTo("\"lone \\ud83d end\"");
		assertThat(SafeText.quote("lone \uDE00 end")).isEqualTo("\"lone \\ude00 end\"");
	}

	@Test
	void keepsQuotesAndBackslashesUnambiguousOnlyWhenQuoting() {
		assertThat(SafeText.quote("say \"hi\" \\n")).isEqualTo("\"say \\\"hi\\\" \\\\n\"");
		assertThat(SafeText.escape("say \"hi\" \\n")).isEqualTo("say \"hi\" \\n");
		assertThat(SafeText.escape("two\nlines")).isEqualTo("two\\nlines");
		assertThat(SafeText.quote(null)).isEqualTo("null");
		assertThat(SafeText.escape(null)).isNull();
	}

	@Test
	void leavesPrintableTextAlone() {
		assertThat(SafeText.escape("guest-7 (vbd/51712): ünïcödé €")).isEqualTo("guest-7 (vbd/51712): ünïcödé €");
		assertThat(SafeText.hasControlOrFormat("guest-7")).isFalse();
		assertThat(SafeText.hasControlOrFormat("guest\u202E7")).isTrue();
	}

	@Test
	void quotesALongValueInPartAndCountsTheRestButEscapesAMessageWhole() {
		assertThat(SafeText.quote("a".repeat(1000)))
			.isEqualTo("\"" + "a".repeat(SafeText.MAX_LENGTH) + "\"...(744 more)");
		assertThat(SafeText.quote("a".repeat(255) + "\uD83D\uDE00")).endsWith("a\"...(2 more)");
		assertThat(SafeText.escape("\uDE00".repeat(100_000))).startsWith("\\ude00\\ude00").hasSize(600_000);
		assertThat(SafeText.escape("b".repeat(1000))).hasSize(1000);
	}

	@Property
	void neverRendersALineBreakOrAControlOrFormatCharacter(@ForAll String value) {
		for (String rendered : new String[] { SafeText.quote(value), SafeText.escape(value) }) {
			assertThat(rendered).doesNotContain("\n", "\r");
			assertThat(SafeText.hasControlOrFormat(rendered)).as(rendered).isFalse();
		}
	}

	@Test
	void rendersAFailureAndItsCausesOnOneLine() {
		Exception failure = new IllegalStateException("cannot open\n/x", new java.io.IOException("denied"));
		assertThat(SafeText.causes(failure))
			.isEqualTo("java.lang.IllegalStateException: cannot open\\n/x; caused by java.io.IOException: denied");
	}

}
