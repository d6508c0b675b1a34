# One image for both roles: the coordinator (default) or a headless worker
# (`docker run --no-healthcheck IMAGE node dist/worker.mjs --url http://HOST:8000`).
#
# Build stage: every dependency, the compilers better-sqlite3 needs, the whole build.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The kernel, the page and the Node bundles (dist/coordinator.mjs, dist/worker.mjs); then
# only the production dependencies stay (better-sqlite3 keeps its compiled binding).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: production dependencies and built files only, no compilers, no sources.
FROM node:20-bookworm-slim
# tini is PID 1: it passes `docker stop`'s SIGTERM to node and reaps children.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production API_HOST=0.0.0.0 API_PORT=8000 WEB_PORT=3000 DATA_DIR=/data LOG_FORMAT=json
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/client/web/dist ./client/web/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8000 3000
# The coordinator's health; worker containers turn it off (--no-healthcheck, or compose).
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.API_PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/coordinator.mjs"]
