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
RUN npm ci --no-audit --no-fund

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
ENV NODE_ENV=production \
    APP=${APP}
WORKDIR /app

COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

# tsc leaves the @app/* path aliases of tsconfig.json in the emitted require() calls. Linking each
# compiled library under node_modules/@app lets plain node resolve them, with no runtime loader.
RUN set -eu; \
    test -f "dist/apps/${APP}/src/main.js" || { echo "APP must be intake, workflow or analytics, got '${APP}'" >&2; exit 1; }; \
    mkdir -p node_modules/@app; \
    for lib in dist/libs/*/; do \
      name="$(basename "$lib")"; \
      ln -sfn "../../dist/libs/${name}/src" "node_modules/@app/${name}"; \
    done

# 1000 is the base image's `node` user. Numeric, so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 3001 3002 3003

# exec: node becomes PID 1 and receives SIGTERM itself, so the services shut down gracefully.
CMD ["sh", "-c", "exec node \"dist/apps/${APP}/src/main.js\""]
