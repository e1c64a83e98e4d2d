# ossemu: OSS emulator with real media processing (libav from Debian 12).
FROM golang:1.26-bookworm AS build
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      pkg-config libavcodec-dev libavformat-dev libavfilter-dev libavutil-dev \
      libswscale-dev libswresample-dev libavdevice-dev \
      libopencore-amrnb-dev libvo-amrwbenc-dev libjpeg62-turbo-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -o /out/emulator ./cmd/emulator

FROM debian:12-slim
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      ca-certificates libavcodec59 libavformat59 libavfilter8 libavutil57 \
      libswscale6 libswresample4 libavdevice59 \
      libopencore-amrnb0 libvo-amrwbenc0 libjpeg62-turbo \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/emulator /usr/local/bin/emulator
VOLUME /data
EXPOSE 9000 9100
ENV OSSEMU_ADDR=0.0.0.0:9000 OSSEMU_DATA_DIR=/data OSSEMU_MNS_ADDR=0.0.0.0:9100
ENTRYPOINT ["/usr/local/bin/emulator"]
