package org.xso.xen.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Checks the wire header and constants against values taken from the Xen headers (xen-abi.json). */
class XsdSockmsgTests {

	@Test
	void headerIsSixteenBytesAsInTheXenHeaders() throws IOException {
		assertThat(XsdSockmsg.SIZE).isEqualTo(abi().path("sizes").path("xsd_sockmsg").asInt());
	}

	@Test
	void messageTypesAndLimitsMatchTheXenHeaders() throws IOException {
		Map<String, Integer> ours = Map.of("XS_DIRECTORY", XsWire.XS_DIRECTORY, "XS_READ", XsWire.XS_READ,
				"XS_WATCH", XsWire.XS_WATCH, "XS_TRANSACTION_START", XsWire.XS_TRANSACTION_START,
				"XS_TRANSACTION_END", XsWire.XS_TRANSACTION_END, "XS_WRITE", XsWire.XS_WRITE, "XS_RM", XsWire.XS_RM,
				"XS_WATCH_EVENT", XsWire.XS_WATCH_EVENT, "XS_ERROR", XsWire.XS_ERROR);
		JsonNode constants = abi().path("constants");

		ours.forEach((name, value) -> assertThat(constants.path(name).asInt(-1)).as(name).isEqualTo(value));
		assertThat(constants.path("XENSTORE_PAYLOAD_MAX").asInt()).isEqualTo(XsWire.XENSTORE_PAYLOAD_MAX);
		assertThat(constants.path("XENSTORE_ABS_PATH_MAX").asInt()).isEqualTo(XsWire.ABS_PATH_MAX);
		assertThat(constants.path("XENSTORE_REL_PATH_MAX").asInt()).isEqualTo(XsWire.REL_PATH_MAX);
	}

	@Test
	void encodesTheHeaderLittleEndian() {
		byte[] bytes = new XsdSockmsg(XsWire.XS_WRITE, 0x01020304, 7, 300).encode();

		assertThat(bytes).containsExactly(11, 0, 0, 0, 4, 3, 2, 1, 7, 0, 0, 0, 0x2c, 1, 0, 0);
	}

	@Test
	void decodesWhatItEncodesAtTheBuffersPosition() {
		XsdSockmsg msg = new XsdSockmsg(XsWire.XS_TRANSACTION_END, -1, 42, 2);
		ByteBuffer buffer = ByteBuffer.allocate(4 + XsdSockmsg.SIZE);
		buffer.position(4);
		msg.encode(buffer);
		buffer.position(4);

		assertThat(XsdSockmsg.decode(buffer)).isEqualTo(msg);
		assertThat(buffer.position()).isEqualTo(4 + XsdSockmsg.SIZE);
		assertThat(Integer.toUnsignedLong(msg.reqId())).isEqualTo(0xFFFF_FFFFL);
	}

	@Test
	void rejectsAPayloadLongerThanTheMaximum() {
		byte[] bytes = new XsdSockmsg(XsWire.XS_READ, 1, 0, XsWire.XENSTORE_PAYLOAD_MAX).encode();
		bytes[XsdSockmsg.LEN_OFFSET] = 1;

		assertThatIllegalArgumentException().isThrownBy(() -> XsdSockmsg.decode(bytes)).withMessageContaining("4097");
		assertThatIllegalArgumentException().isThrownBy(() -> XsdSockmsg.decode(new byte[15]));
	}

	@Test
	void listsTheErrorNamesOfXsdErrors() {
		assertThat(XsWire.XSD_ERRORS).contains("ENOENT", "EACCES", "EAGAIN", "EINVAL", "EEXIST", "E2BIG", "EPERM")
			.startsWith("EINVAL");
	}

	private static JsonNode abi() throws IOException {
		try (InputStream in = XsdSockmsgTests.class.getResourceAsStream("/xen-abi.json")) {
			assertThat(in).as("xen-abi.json on the test classpath").isNotNull();
			return new ObjectMapper().readTree(in);
		}
	}

}
