# One image for every Sluice app; the command picks the app:
#   docker run sluice node dist/apps/gateway/src/main.js
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts are not needed to compile (embedded PostgreSQL is for local runs only).
# `npm install` rather than `npm ci`: the lock file was resolved where some platforms' optional
# native packages (msgpackr-extract for macOS and Windows) are not published to the registry mirror,
# and `npm ci` refuses a lock that lacks them; `npm install` keeps every locked version and adds them.
RUN npm install --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json nx.json ./
COPY apps ./apps
COPY libs ./libs
COPY tools ./tools
COPY scripts/copy-assets.mjs ./scripts/
RUN npx tsc -p tsconfig.build.json && npx tsc-alias -p tsconfig.build.json && node scripts/copy-assets.mjs

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
CMD ["node", "--enable-source-maps", "dist/apps/gateway/src/main.js"]
