# Presence gateway (WebSockets + REST, Orleans client in Cluster:Mode=Client). Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t freedomcti/presence-gateway:<tag> .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY Grains.Interfaces/Grains.Interfaces.csproj Grains.Interfaces/
COPY Grains/Grains.csproj Grains/
COPY Gateway/Gateway.csproj Gateway/
RUN dotnet restore Gateway/Gateway.csproj
COPY Grains.Interfaces/ Grains.Interfaces/
COPY Grains/ Grains/
COPY Gateway/ Gateway/
# The JavaScript client is embedded in the gateway assembly and served at /client/ for the wallboard.
COPY clients/js/src/ clients/js/src/
# So is the AsyncAPI document, served at /asyncapi.yaml.
COPY docs/asyncapi.yaml docs/
RUN dotnet publish Gateway/Gateway.csproj --configuration Release --no-restore --output /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV Urls=http://+:8080
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "FreedomCti.Presence.Gateway.dll"]
