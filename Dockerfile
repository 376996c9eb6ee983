# syntax=docker/dockerfile:1
# The training job's image: the `marquee` CLI with its production dependencies; the entrypoint is the nightly job
# (infra/retrain-nightly.sh: `marquee pipeline`, then `marquee canary judge --apply`), configured by MARQUEE_*
# variables. Names: infra/names.env.
#   docker build -t ghcr.io/marquee-recs/marquee-trainer:cpu .               (default: CPU, tfjs-node)
#   docker build -t ghcr.io/marquee-recs/marquee-trainer:gpu --target gpu .  (CUDA, tfjs-node-gpu)
# @tensorflow/tfjs-node(-gpu) 4.x download libtensorflow while installing, so the build needs the network; the GPU
# package needs CUDA 11.2 and cuDNN 8.1 at run time, hence that base image.
ARG NODE_IMAGE=node:20-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04

FROM ${NODE_IMAGE} AS node

# The application files both images run (no dependencies: each image installs its own).
FROM scratch AS app
WORKDIR /opt/marquee
COPY package.json package-lock.json tsconfig.base.json wrangler.toml ./
COPY shared/src ./shared/src
COPY trainer/bin ./trainer/bin
COPY trainer/src ./trainer/src
COPY infra ./infra

# GPU: Node 20 copied onto NVIDIA's CUDA 11.2 / cuDNN 8.1 runtime, both tfjs native packages installed.
FROM ${CUDA_IMAGE} AS gpu
COPY --from=node /usr/local/ /usr/local/
RUN useradd --uid 1000 --create-home node
WORKDIR /opt/marquee
COPY --from=app /opt/marquee/package.json /opt/marquee/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=app /opt/marquee/ ./
ENV NODE_ENV=production MARQUEE_WORKDIR=/data/runs
USER node
ENTRYPOINT ["/opt/marquee/infra/retrain-nightly.sh"]

# CPU (the default target): the GPU package is removed, so `--backend auto` picks tfjs-node without probing CUDA.
FROM ${NODE_IMAGE} AS cpu
WORKDIR /opt/marquee
COPY --from=app /opt/marquee/package.json /opt/marquee/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules/@tensorflow/tfjs-node-gpu && npm cache clean --force
COPY --from=app /opt/marquee/ ./
ENV NODE_ENV=production MARQUEE_WORKDIR=/data/runs
USER node
ENTRYPOINT ["/opt/marquee/infra/retrain-nightly.sh"]
