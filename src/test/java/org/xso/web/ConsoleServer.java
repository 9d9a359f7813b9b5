package org.xso.web;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The service as a user runs it, on a random port: the simulator with the demo guests running their
 * workloads, the bootstrap admin token written to {@link #ADMIN_TOKEN}, and an event stream the
 * service ends every 5 seconds so that a client following it has to reconnect. Shared by the
 * console's tests (one Spring context for all of them), which also see the {@link StreamRequests}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "xso.hypervisor=sim", "xso.sim.snapshot-dir=target/console/disks", "xso.demo.enabled=true",
				"xso.instance-id=console", "xso.security.bootstrap-admin-token=true",
				"xso.security.admin-token-file=" + ConsoleServer.ADMIN_TOKEN, "xso.events.stream-timeout=PT5S",
				"spring.datasource.url=jdbc:h2:mem:xso-console;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1" })
@Import(ConsoleServer.StreamRequests.class)
@interface ConsoleServer {

	/** Where the service writes its admin token on start (relative to the module's directory). */
	String ADMIN_TOKEN = "target/console/data/admin-token";

	/**
	 * The {@code Last-Event-ID} header of every request for {@code /api/v1/events} (null where there
	 * was none), in the order they came: what a client sent when it reconnected.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	class StreamRequests {

		private final List<@Nullable String> lastEventIds = new CopyOnWriteArrayList<>();

		List<@Nullable String> lastEventIds() {
			return lastEventIds;
		}

		@Bean
		FilterRegistrationBean<OncePerRequestFilter> streamRequestRecorder() {
			FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
					new OncePerRequestFilter() {
						@Override
						protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
								FilterChain chain) throws ServletException, IOException {
							if (request.getRequestURI().equals("/api/v1/events")) {
								lastEventIds.add(request.getHeader("Last-Event-ID"));
							}
							chain.doFilter(request, response);
						}
					});
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

	}

}
