# One image for both roles: the coordinator (default) or a headless worker
# (`docker run IMAGE npm run worker -- --url http://HOST:8000`).
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
ENV API_HOST=0.0.0.0 API_PORT=8000 WEB_PORT=3000 DATA_DIR=/data
VOLUME /data
EXPOSE 8000 3000
CMD ["npm", "run", "coordinator"]
