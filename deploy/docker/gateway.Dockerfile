# Presence gateway (WebSockets + REST, Orleans client in Cluster:Mode=Client). Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t freedomcti/presence-gateway:<tag> .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY Grains.Interfaces/Grains.Interfaces.csproj Grains.Interfaces/
COPY Grains/Grains.csproj Grains/
COPY ServiceDefaults/ServiceDefaults.csproj ServiceDefaults/
COPY Gateway/Gateway.csproj Gateway/
RUN dotnet restore Gateway/Gateway.csproj
COPY Grains.Interfaces/ Grains.Interfaces/
COPY Grains/ Grains/
COPY ServiceDefaults/ ServiceDefaults/
COPY Gateway/ Gateway/
# The JavaScript client is embedded in the gateway assembly and served at /client/ for the wallboard.
COPY clients/js/src/ clients/js/src/
# So is the AsyncAPI document, served at /asyncapi.yaml.
COPY docs/asyncapi.yaml docs/
RUN dotnet publish Gateway/Gateway.csproj --configuration Release --no-restore --output /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# 8080 sockets and REST; 8090 health and metrics only (keep it off the load balancer).
ENV Urls=http://+:8080 Management__Urls=http://+:8090
EXPOSE 8080 8090
USER $APP_UID
ENTRYPOINT ["dotnet", "FreedomCti.Presence.Gateway.dll"]
