using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace FreedomCti.Presence.Browser.Tests.Infrastructure;

/// <summary>Every WebSocket a page opens, with the JSON frames it sent and received (what Chromium really put on the wire).</summary>
public sealed class SocketRecorder
{
    private readonly ConcurrentQueue<Socket> _sockets = new();

    public sealed record Socket(Uri Url, ConcurrentQueue<JsonObject> Sent, ConcurrentQueue<JsonObject> Received);

    /// <summary>Starts recording; call before the page navigates.</summary>
    public static SocketRecorder On(IPage page)
    {
        var recorder = new SocketRecorder();
        page.WebSocket += (_, socket) =>
        {
            var recorded = new Socket(new Uri(socket.Url), new(), new());
            recorder._sockets.Enqueue(recorded);
            socket.FrameSent += (_, frame) => Add(recorded.Sent, frame.Text);
            socket.FrameReceived += (_, frame) => Add(recorded.Received, frame.Text);
        };
        return recorder;
    }

    public IReadOnlyList<Socket> Sockets => [.. _sockets];

    private static void Add(ConcurrentQueue<JsonObject> frames, string? text)
    {
        if (text is not null && JsonNode.Parse(text) is JsonObject frame) frames.Enqueue(frame);
    }
}
