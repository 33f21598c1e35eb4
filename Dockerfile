# syntax=docker/dockerfile:1
# Multi-stage build of the Marketplace API. Production-like runs use SQL Server + Elasticsearch (see compose.yaml);
# without configuration the container runs on the embedded default (SQLite + Lucene.Net in /data).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Marketplace.sln ./
COPY Marketplace.Core/Marketplace.Core.csproj Marketplace.Core/
COPY Marketplace.Search/Marketplace.Search.csproj Marketplace.Search/
COPY Marketplace.Api/Marketplace.Api.csproj Marketplace.Api/
RUN dotnet restore Marketplace.Api/Marketplace.Api.csproj
COPY Marketplace.Core/ Marketplace.Core/
COPY Marketplace.Search/ Marketplace.Search/
COPY Marketplace.Api/ Marketplace.Api/
COPY openapi/ openapi/
RUN dotnet publish Marketplace.Api/Marketplace.Api.csproj -c Release -o /app --no-restore -p:OpenApiGenerateDocumentsOnBuild=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data && chown "$APP_UID" /data
WORKDIR /app
COPY --from=build /app ./
# DOTNET_GCgen0size: a 64 MiB young generation per GC heap; searches allocate a few hundred KiB each, and with the
# default budget a busy node spends a noticeable share of its CPU in (and paused for) frequent gen-0 collections.
# MALLOC_ARENA_MAX: glibc otherwise gives each busy thread its own 64 MiB malloc arena; SQLite's and the runtime's
# native allocations then spread over many half-used arenas (about 80 MiB more resident in the soak, bench/RESULTS.md).
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Marketplace__DataDirectory=/data \
    DOTNET_GCgen0size=0x4000000 \
    MALLOC_ARENA_MAX=2
VOLUME ["/data"]
EXPOSE 8080
USER $APP_UID
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["dotnet", "Marketplace.Api.dll"]
