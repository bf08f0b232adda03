using System.Net;
using System.Net.Sockets;
using System.Text;

namespace YoloX.Inference.Tests;

/// <summary>
/// A minimal HTTP/1.1 file server on 127.0.0.1 (loopback only) for download tests. Each request gets the response
/// the handler describes, which may announce more bytes than it sends (a truncated transfer).
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, Reply> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public LoopbackHttpServer(Func<string, Reply> handler)
    {
        _handler = handler;
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    /// <summary>The server's base address, ending with a slash.</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/files/");

    public int Requests => Volatile.Read(ref _requests);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends with the listener.
        }
        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var path = await ReadRequestPath(stream);
            Interlocked.Increment(ref _requests);
            var reply = _handler(path);
            var announced = reply.AnnouncedLength ?? reply.Body.Length;
            var head = $"HTTP/1.1 {reply.Status} {(reply.Status == 200 ? "OK" : "Not Found")}\r\nContent-Length: {announced}\r\n" +
                       "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                await stream.WriteAsync(reply.Body);
                await stream.FlushAsync();
            }
            catch (IOException)
            {
                // The client may hang up first.
            }
        }
    }

    private static async Task<string> ReadRequestPath(NetworkStream stream)
    {
        var buffer = new byte[8192];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                break;
            }
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        var firstLine = text.ToString().Split("\r\n")[0].Split(' ');
        return firstLine.Length > 1 ? firstLine[1] : "";
    }

    /// <summary>What to answer: a status, the bytes sent, and optionally a larger announced length.</summary>
    public sealed record Reply(int Status, byte[] Body, long? AnnouncedLength = null);
}
