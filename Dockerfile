# syntax=docker/dockerfile:1
# The `mood` worker image: a statically linked Swift runtime on debian:bookworm-slim with only the
# packages in deploy/runtime-packages.txt, as a non-root user. No secrets are copied in: the
# configuration (SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY) comes from the environment at run time.
#
#   docker build -t mood-worker .                              # needs Weights/yamnet.bin (Scripts/fetch-weights)
#   docker build -t mood-worker --build-arg WEIGHTS=mounted .  # YAMNet weights mounted at run time
#   docker run -d --env-file prod.env --stop-timeout 30 mood-worker
#
# Scripts/verify-runtime-root rebuilds the runtime stage without Docker (debootstrap, chroot) and
# runs `mood analyze` and `mood worker --drain` inside it; CI runs it.

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---- build: the release binary, Swift standard library and Foundation linked in statically ----
FROM ${SWIFT_IMAGE} AS build
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update \
    && apt-get install -y --no-install-recommends libopenblas-dev libcurl4-openssl-dev binutils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources/ Sources/
COPY Plugins/ Plugins/
COPY Tests/ Tests/
# Built into the binary by the EmbedEmotionModel plugin.
COPY Weights/emotion.bin Weights/
RUN --mount=type=cache,target=/src/.build,id=mood-swift-build \
    swift build -c release --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/mood" /out/mood \
    && strip /out/mood

# ---- weights: the model files the image ships, checked early (runs beside the build) ----
FROM ${RUNTIME_IMAGE} AS weights
ARG WEIGHTS=bundled
COPY Weights/ /in/
RUN set -e; mkdir -p /out; \
    case "$WEIGHTS" in \
      bundled) \
        if [ ! -f /in/yamnet.bin ]; then \
          echo "error: Weights/yamnet.bin is missing. Run Scripts/fetch-weights first, or build with" >&2; \
          echo "       --build-arg WEIGHTS=mounted and mount the file at run time:" >&2; \
          echo "       -v /path/to/yamnet.bin:/opt/mood/Weights/yamnet.bin:ro" >&2; \
          exit 1; \
        fi; \
        cp /in/yamnet.bin /out/ ;; \
      mounted) echo "note: YAMNet weights not in the image; mount them at /opt/mood/Weights/yamnet.bin" ;; \
      *) echo "error: --build-arg WEIGHTS must be 'bundled' (default) or 'mounted', not '$WEIGHTS'" >&2; exit 1 ;; \
    esac; \
    cp /in/yamnet_class_map.csv /in/emotion.bin /out/

# ---- runtime ----
FROM ${RUNTIME_IMAGE} AS runtime
COPY deploy/runtime-packages.txt /tmp/runtime-packages.txt
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update \
    && apt-get install -y --no-install-recommends $(sed -e 's/#.*//' /tmp/runtime-packages.txt) \
    && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt
RUN useradd --no-log-init --uid 10001 --user-group --home-dir /opt/mood --no-create-home --shell /usr/sbin/nologin mood
COPY --from=build /out/mood /usr/local/bin/mood
COPY --from=weights /out/ /opt/mood/Weights/
WORKDIR /opt/mood
# The class map and the emotion model are found beside the YAMNet weights. The worker serves
# /metrics, /healthz and /readyz on port 9464 (README "Metrics").
ENV MOOD_YAMNET_WEIGHTS=/opt/mood/Weights/yamnet.bin MOOD_METRICS_PORT=9464 MOOD_METRICS_HOST=0.0.0.0
EXPOSE 9464
USER 10001:10001
# The running worker's own /healthz (200 while its claim loop is alive), read with bash's
# /dev/tcp: no second worker process, no weights loaded, no extra package.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9464 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# The worker stops claiming on SIGTERM and finishes jobs in flight within --grace-period (20 s):
# give `docker stop` more than that (--stop-timeout 30), or its SIGKILL cuts jobs short (they are
# then reclaimed once their lease expires).
STOPSIGNAL SIGTERM
ENTRYPOINT ["mood"]
CMD ["worker"]
