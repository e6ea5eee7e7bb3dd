# syntax=docker/dockerfile:1
# One image for every role: `closeloop start --role api|worker|publisher`.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
COPY services ./services
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
# The widget is built at image build time (esbuild is a dev dependency).
RUN npm run build:widget

FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
COPY services ./services
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
# Liberation fonts: the poster and letter PDFs need ŵ and ŷ.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-liberation tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node packages ./packages
COPY --chown=node:node services ./services
COPY --chown=node:node migrations ./migrations
COPY --from=build --chown=node:node /app/packages/widget/dist ./packages/widget/dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/closeloop.mjs"]
CMD ["start", "--role", "all"]
