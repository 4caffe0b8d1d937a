# One image for the three services (intake, workflow, analytics) and the one-shot scripts
# (dist/scripts/migrate.js, dist/scripts/create-topics.js).
#
#   docker build -t complaints-backend .                      # runs intake by default
#   docker build --build-arg APP=workflow -t complaints-workflow .
#   docker run complaints-backend node dist/apps/analytics/src/main.js   # or choose by the command

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, compile TypeScript, then drop the dev dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Dependencies first, so a source change does not reinstall them.
COPY package.json package-lock.json ./
# Installs exactly the locked versions (npm ci refuses this lock: it lacks other platforms' optional binaries).
RUN npm install --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY scripts ./scripts
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime: production dependencies and compiled code, run as an unprivileged user ----
FROM ${NODE_IMAGE} AS runtime
ARG APP=intake
# A young generation of 64 MB (V8's default is 16): the services allocate many short-lived objects
# per message, and fewer scavenges cut garbage-collection time (bench/, breach lateness).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=64 \
    APP=${APP}
WORKDIR /app

COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

# The build rewrites the @app/* path aliases into relative requires (tsc-alias), so plain node runs it.
RUN test -f "dist/apps/${APP}/src/main.js" || { echo "APP must be intake, workflow or analytics, got '${APP}'" >&2; exit 1; }

# 1000 is the base image's `node` user. Numeric, so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 3001 3002 3003

# exec: node becomes PID 1 and receives SIGTERM itself, so the services shut down gracefully.
CMD ["sh", "-c", "exec node \"dist/apps/${APP}/src/main.js\""]
