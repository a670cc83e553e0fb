# custops image: a static binary on a distroless base, running as non-root.
# The build stage runs the same build command as CI (scripts/build.sh), so the image holds what the
# tests tested. Base images are pinned by version and digest-free tags kept in one place here.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 bash scripts/build.sh /out/custops

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/custops /usr/local/bin/custops
USER 65532:65532
VOLUME ["/etc/custops", "/var/lib/custops"]
# The garbage collector's soft limit: nine tenths of the 512 MiB the deploy files give the
# container. Give another limit, give GOMEMLIMIT too (docker run -m 1g -e GOMEMLIMIT=920MiB).
ENV GOMEMLIMIT=460MiB
EXPOSE 10042
# An exporter started with TLS or basic auth (CUSTOPS_WEB_CONFIG_FILE, which serve reads too) is
# checked through them: CUSTOPS_HEALTHCHECK_USERNAME and CUSTOPS_HEALTHCHECK_PASSWORD_FILE give
# the credentials (deploy/README.md).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
  CMD ["/usr/local/bin/custops", "healthcheck", "--url=http://127.0.0.1:10042/-/healthy"]
ENTRYPOINT ["/usr/local/bin/custops"]
CMD ["serve", "--config.file=/etc/custops/custops.yml"]
