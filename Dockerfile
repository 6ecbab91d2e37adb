# syntax=docker/dockerfile:1.7
# One image per deployable, from the whole workspace:
#   docker build --build-arg APP=services/auth -t family/auth:0.1.0 .
#   docker build --build-arg APP=bff -t family/bff:0.1.0 .        (BFF_MODE=api|worker at run time)
# APP is a workspace folder: services/auth, services/expense, services/goals, services/gamification,
# services/notification, services/bank or bff. k8s/test/images.test.ts checks
# what can be checked without a Docker engine: each app runs from its dist/ with production
# dependencies only.

# Node 24 LTS, pinned by version (engines in package.json says which majors are supported).
ARG NODE_IMAGE=node:24.11.1-bookworm-slim

FROM ${NODE_IMAGE} AS build
ENV PNPM_HOME=/pnpm CI=true
ENV PATH=$PNPM_HOME:$PATH
# The pnpm the repository pins (package.json "packageManager").
RUN corepack enable
WORKDIR /workspace
COPY . .
ARG APP
RUN test -n "$APP" || (echo "set --build-arg APP=services/<name> or APP=bff" >&2 && exit 1)
# Only the app and the workspace packages it depends on.
RUN pnpm install --frozen-lockfile --filter "{${APP}}..."
# Generated contracts are committed; build every library and the app into their dist/ folders.
RUN pnpm --filter "{${APP}}..." run build
# Production dependencies only, workspace packages copied in (no symlinks back into the workspace).
RUN pnpm --filter "./${APP}" deploy --prod --legacy /app

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: forwards SIGTERM to node (graceful drain) and reaps zombies.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the app: the root filesystem can be mounted read-only; the only
# writable path is /tmp (an emptyDir in Kubernetes).
COPY --from=build /app /app
# The image's unprivileged `node` user (uid 1000), matching runAsUser in k8s/base.
USER 1000:1000
# Services: --build-arg HEALTHCHECK_URL=grpc://127.0.0.1:<port>; the default is the BFF API's
# (worker mode: http://127.0.0.1:8080/metrics). Kubernetes uses its own probes instead.
ARG HEALTHCHECK_URL=http://127.0.0.1:8080/healthz
ENV HEALTHCHECK_URL=${HEALTHCHECK_URL}
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["sh", "-c", "node node_modules/@family/grpc-kit/dist/health.probe.js \"$HEALTHCHECK_URL\""]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
