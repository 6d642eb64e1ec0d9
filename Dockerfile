# Intake as a container: `docker build -t intake .` then `docker run -p 8080:8080 -v intake-data:/data intake`,
# or `docker compose up` with PostgreSQL (compose.yaml). Configuration is the environment, as documented in README.

# Build stage: every dependency, the TypeScript build (npm ci runs `prepare`), then the dev dependencies dropped.
FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles itself when no prebuilt binary fits the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
COPY scripts/build-web.mjs ./scripts/
RUN npm ci --no-audit --no-fund \
  && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: the build output and production dependencies only, run as the unprivileged `node` user.
FROM node:22-bookworm-slim
# Node's memory settings as `npm start` gives them (docs/decisions/0010-node-memory-flags.md): MALLOC_ARENA_MAX
# here, the young generation's size on the ENTRYPOINT's node.
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    HOST=0.0.0.0 \
    PORT=8080 \
    INTAKE_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json LICENSE ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Ready = the database answers (/readyz is public).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "--max-semi-space-size=4", "dist/cli/bin.js"]
CMD ["serve"]
