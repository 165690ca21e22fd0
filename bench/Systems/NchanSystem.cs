using System.Diagnostics;
using FreedomCti.Bench.Load;

namespace FreedomCti.Bench.Systems;

/// <summary>
/// Nchan (nginx + libnginx-mod-nchan, installed by bench/install-peers.sh) run as the bench's own nginx process with a
/// generated config on a free loopback port: publish by HTTP POST, subscribe by WebSocket.
/// </summary>
public sealed class NchanSystem(BenchEnvironment env) : PubSubPeerSystem
{
    public const string ModulePath = "/usr/lib/nginx/modules/ngx_nchan_module.so";

    private ServerProcess? _master;

    public override string Name => "nchan";
    public static bool IsInstalled => File.Exists(ModulePath) && File.Exists("/usr/sbin/nginx");

    // The master only supervises; the workers hold the sockets. Both are counted for CPU.
    public override int[] ServerPids => _master is null ? [] : [_master.Pid, .. ProcStats.Children(_master.Pid)];
    public override int[] SocketPids => _master is null ? [] : ProcStats.Children(_master.Pid);

    public override async Task StartAsync()
    {
        if (!IsInstalled) throw new InvalidOperationException("Nchan is not installed: run bench/install-peers.sh");
        Port = ServerProcess.FreePort();
        var prefix = Path.Combine(env.LogDirectory, "nchan");
        Directory.CreateDirectory(prefix);
        var config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, Config(prefix, Port));
        _master = ServerProcess.Start(Name, "/usr/sbin/nginx", ["-p", prefix, "-c", config, "-e", Path.Combine(prefix, "error.log")], env.LogDirectory);
        await _master.WaitHealthyAsync(Http, $"http://127.0.0.1:{Port}/health", TimeSpan.FromSeconds(30));
    }

    // Two workers for two cores, as nginx is deployed; the message buffer is small because nobody replays history.
    private static string Config(string prefix, int port) => $$"""
        load_module {{ModulePath}};
        daemon off;
        master_process on;
        worker_processes 2;
        worker_rlimit_nofile 20000;
        pid {{prefix}}/nginx.pid;
        error_log {{prefix}}/error.log warn;
        events { worker_connections 20000; multi_accept on; }
        http {
          access_log off;
          client_body_temp_path {{prefix}}/body;
          proxy_temp_path {{prefix}}/proxy;
          fastcgi_temp_path {{prefix}}/fastcgi;
          uwsgi_temp_path {{prefix}}/uwsgi;
          scgi_temp_path {{prefix}}/scgi;
          nchan_max_reserved_memory 256M;
          server {
            listen 127.0.0.1:{{port}};
            location = /health { return 200 "ok"; }
            location ~ ^/pub/([\w-]+)$ {
              nchan_publisher;
              nchan_channel_id $1;
              nchan_message_buffer_length 16;
              nchan_message_timeout 60s;
            }
            location ~ ^/sub/([\w-]+)$ {
              nchan_subscriber websocket;
              nchan_channel_id $1;
              nchan_subscriber_first_message newest;
            }
          }
        }
        """;

    public override async ValueTask DisposeAsync()
    {
        if (_master is not null) await _master.DisposeAsync();
        await base.DisposeAsync();
    }
}
