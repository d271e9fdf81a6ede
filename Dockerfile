# syntax=docker/dockerfile:1
# Build stage: Swift toolchain plus the -dev packages of the native libraries.
# The toolchain matches the one the project is developed and tested with.
FROM swift:6.3-bookworm AS build
# Debian stable only ships security fixes within a release, and it drops the
# superseded version from the archive: pinning exact versions here would break
# the build at the next point release without making it any more reproducible
# than the bookworm tag already does.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libdnnl-dev libjpeg62-turbo-dev libpng-dev libssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product fovea --static-swift-stdlib \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/fovea" /out/fovea

# Runtime stage: only the shared libraries the binary links against.
FROM debian:bookworm-slim
# Unpinned for the same reason as in the build stage: bookworm's security
# updates replace these versions in place.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libdnnl2 libjpeg62-turbo libpng16-16 libssl3 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin fovea
COPY --from=build /out/fovea /usr/local/bin/fovea
# Configuration at /etc/fovea/fovea.yaml; models under /etc/fovea/models, which
# is also the only directory the admin API may load models from.
COPY Config /etc/fovea
WORKDIR /etc/fovea
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=2s --start-period=30s --retries=3 \
  CMD ["curl", "-fsS", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/fovea"]
CMD ["serve", "--config", "/etc/fovea/fovea.yaml", "--model-dir", "/etc/fovea/models"]
