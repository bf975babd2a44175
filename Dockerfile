# One image for every klagesag process; the command picks the role:
#   worker (default) | web | codec-server | init
# Contract (deploy/README.md): web on 8000 (/healthz, /readyz), worker health on 8081 (/healthz, /readyz),
# Prometheus metrics on 9000 (/metrics), codec server on 8234.
FROM python:3.11-slim

# No .pyc writes (the root filesystem is read-only in Kubernetes), logs unbuffered so nothing is lost
# when a container is stopped, and no pip cache or version check in the image.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A fixed, unprivileged uid/gid, so Kubernetes' runAsNonRoot can check it and volumes can be given to it.
RUN groupadd --system --gid 10001 klagesag \
    && useradd --system --uid 10001 --gid klagesag --home-dir /var/lib/klagesag --shell /usr/sbin/nologin klagesag \
    && install -d -o klagesag -g klagesag -m 0750 /var/lib/klagesag /var/lib/klagesag/outbox

# The sources are bind-mounted for the install only, so they never become a layer of the image
# (RUN --mount needs BuildKit, the default builder since Docker 23).
RUN --mount=type=bind,source=.,target=/src,rw pip install /src

# Listen on all interfaces inside the container; the ports are the contract above. Data (the letter
# outbox) lives in /var/lib/klagesag, which compose and Kubernetes mount as a volume.
ENV KLAGESAG_LISTEN_HOST=0.0.0.0 \
    KLAGESAG_WEB_PORT=8000 \
    KLAGESAG_HEALTH_PORT=8081 \
    KLAGESAG_METRICS_PORT=9000 \
    KLAGESAG_CODEC_PORT=8234 \
    KLAGESAG_DATA_DIR=/var/lib/klagesag \
    KLAGESAG_OUTBOX_DIR=/var/lib/klagesag/outbox

WORKDIR /var/lib/klagesag
USER 10001:10001
EXPOSE 8000 8081 8234 9000

# Health checks differ per command, so they live in compose.yaml and the Kubernetes probes.
ENTRYPOINT ["klagesag"]
CMD ["worker"]
