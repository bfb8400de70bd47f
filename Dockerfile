# syntax=docker/dockerfile:1

# Build stage: install everything, generate the Prisma clients and compile the bot to dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json ./
# What npm ci's postinstall (the Prisma clients) reads: the scripts, and the database URL rules prisma.config.ts shares.
COPY src/scripts ./src/scripts
COPY src/db/database-url.ts ./src/db/
RUN npm ci
COPY . .
RUN npm run db:generate && npm run build && npm prune --omit=dev --ignore-scripts

# Runtime stage: only what runs, as an unprivileged user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATABASE_URL=file:/data/clinic.db \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The same command as package.json's "start" (a test keeps the two alike).
CMD ["node", "--max-semi-space-size=2", "--heap-growing-percent=50", "--liftoff-only", "--v8-pool-size=1", "dist/main.js"]
