# The service's image. Package the jar, then build:
#
#   ./mvnw package -DskipTests
#   docker build -t xso/orchestrator .
#
# The jar is copied in rather than built here: the build that tested it made it, and a Maven build
# inside the image would need a JDK base and fetch every dependency again on each build.
# BASE_IMAGE is any Java 17+ runtime with bash, useradd and groupadd (Debian or Ubuntu based);
# where no public registry is reachable, docker/build-images.sh builds one from Debian packages
# and passes it here. Only what Docker's classic builder understands is used (no BuildKit syntax).
ARG BASE_IMAGE=eclipse-temurin:17-jre

# Boot's layered jar, extracted: dependencies first (they change least), the application last, so
# a rebuild after a code change replaces one small layer. The result is a thin application.jar
# with its libraries in lib/, started with java -jar.
FROM ${BASE_IMAGE} AS layers
WORKDIR /build
COPY target/*.jar service.jar
RUN java -Djarmode=tools -jar service.jar extract --layers --destination extracted \
        --application-filename application.jar \
 && mkdir -p extracted/dependencies extracted/spring-boot-loader extracted/snapshot-dependencies extracted/application

FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="xen-suspend-orchestrator" \
      org.opencontainers.image.description="Suspends, checkpoints and resumes Xen guests with their vbd and vif devices, over HTTP"
# a system user of its own; the application's files stay root's, only data/ (and shared/, where a
# fleet layout mounts the storage its hosts share) is writable
RUN groupadd --system --gid 10001 xso \
 && useradd --system --uid 10001 --gid xso --home-dir /app --no-create-home --shell /usr/sbin/nologin xso \
 && mkdir -p /app/data /app/shared \
 && chown xso:xso /app/data /app/shared
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
COPY docker/healthcheck.sh /usr/local/bin/xso-healthcheck

# The working directory's data/ holds the H2 database, the simulator's disks and the admin token:
# keep it on a volume. The service binds to loopback unless told otherwise; in a container it
# must listen on every interface. JAVA_OPTS: heap as a share of the container's memory limit,
# and a JVM that ran out of memory exits so that the container is restarted.
VOLUME /app/data
ENV SERVER_ADDRESS=0.0.0.0 \
    SERVER_PORT=8080 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
USER 10001:10001
HEALTHCHECK --interval=10s --timeout=6s --start-period=120s --retries=3 CMD ["xso-healthcheck"]
# exec: java is PID 1 and receives docker stop's SIGTERM (the service shuts down gracefully)
ENTRYPOINT ["bash", "-c", "exec java $JAVA_OPTS -jar application.jar \"$@\"", "xso"]
