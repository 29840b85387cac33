# atomkv-proxy as a container image, and the test suite's build tree for compose.yaml's tests.
#   docker build -t atomkv-proxy .                   the proxy image (the last stage, runtime)
#   docker build --target test -t atomkv-tests .     the build tree with the tests
# Every stage takes Debian 12's packages through scripts/install-deps.sh, as a normal build does.

FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/
RUN bash scripts/install-deps.sh build && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DATOMKV_BUILD_TESTS=OFF \
      -DATOMKV_BUILD_BENCH=OFF \
 && cmake --build build -j"$(nproc)" --target atomkv-proxy

# The same build tree with the tests added; runs the integration tests against the servers
# that ATOMKV_TEST_REDIS_URL and ATOMKV_TEST_PROXY_URL name (see compose.yaml).
FROM build AS test
RUN bash scripts/install-deps.sh test && rm -rf /var/lib/apt/lists/*
RUN cmake -S . -B build -DATOMKV_BUILD_TESTS=ON \
 && cmake --build build -j"$(nproc)"
CMD ["bash", "scripts/integration-tests.sh", "build"]

FROM debian:bookworm-slim AS runtime
COPY scripts/install-deps.sh /tmp/
RUN bash /tmp/install-deps.sh runtime \
 && rm -rf /var/lib/apt/lists/* /tmp/install-deps.sh \
 && useradd --user-group --uid 10001 --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin atomkv \
 && install -d -o atomkv -g atomkv -m 0750 /data
COPY --from=build /src/build/proxy/atomkv-proxy /usr/local/bin/atomkv-proxy
COPY scripts/resp-ping.sh /usr/local/bin/atomkv-ping
USER atomkv
# A SQLite backend keeps its file here (sqlite:///data/atomkv.db); mount a volume on it.
WORKDIR /data
EXPOSE 6380
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/atomkv-ping", "127.0.0.1", "6380"]
# Inside a container the proxy listens on every interface; publish the port with care, and
# add --requirepass when it is reachable from other hosts.
ENTRYPOINT ["atomkv-proxy", "--bind", "0.0.0.0", "--port", "6380"]
CMD ["--backend", "memory://"]
