package org.xso.web;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's last resort report as a problem detail instead of its HTML page, for the requests the
 * server rejects before any servlet sees them: an unparseable request line or path ({@code %00},
 * an encoded slash, bad percent-encoding), a header or URL larger than the server accepts. Spring's
 * error page ({@link ProblemErrorController}) cannot answer those; this valve runs in the host.
 * Public with a public constructor because Tomcat instantiates its host's error report valve by
 * class name.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

	private static final JsonMapper JSON = JsonMapper.builder()
		.changeDefaultPropertyInclusion(v -> v.withValueInclusion(JsonInclude.Include.NON_NULL))
		.build();

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(true);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		ProblemBody body = ContainerProblems.of(status, response.getMessage(), throwable).toBody(null);
		try {
			response.setStatus(body.status());
			response.setContentType("application/problem+json");
			response.setCharacterEncoding("UTF-8");
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(JSON.writeValueAsString(body));
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException e) {
			// the client is gone or the response cannot take a body any more; nothing left to say
		}
	}

}
