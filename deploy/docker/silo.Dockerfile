# Presence-grid silo (grain host). Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t freedomcti/presence-silo:<tag> .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first, so the restore layer is cached until a package or reference changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY Grains.Interfaces/Grains.Interfaces.csproj Grains.Interfaces/
COPY Grains/Grains.csproj Grains/
COPY ServiceDefaults/ServiceDefaults.csproj ServiceDefaults/
COPY Silo/Silo.csproj Silo/
RUN dotnet restore Silo/Silo.csproj
COPY Grains.Interfaces/ Grains.Interfaces/
COPY Grains/ Grains/
COPY ServiceDefaults/ ServiceDefaults/
COPY Silo/ Silo/
RUN dotnet publish Silo/Silo.csproj --configuration Release --no-restore --output /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Listen on every interface: probes and Prometheus reach the pod IP (8081: health and metrics only).
# 11111 silo-to-silo, 30000 client gateway.
ENV Urls=http://+:8081
EXPOSE 8081 11111 30000
USER $APP_UID
ENTRYPOINT ["dotnet", "FreedomCti.Presence.Silo.dll"]
