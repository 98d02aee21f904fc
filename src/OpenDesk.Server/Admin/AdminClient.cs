using System.Globalization;
using System.Net.Sockets;
using OpenDesk.Protocol;

namespace OpenDesk.Server.Admin;

/// <summary>
/// The CLI side of the admin IPC (spec §20): each call opens its own connection, sends one request and reads
/// one reply, because the server answers exactly once and closes. Works against the Python daemon too.
/// </summary>
public static class AdminClient
{
    /// <summary>
    /// A list or kill is answered in milliseconds; waiting longer than this means the daemon is wedged, and the
    /// CLI should say so rather than hang. <c>pair</c> is exempt: it waits for a human.
    /// </summary>
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Sends <paramref name="request"/> and returns the reply map as sent, <c>ok</c> flag included.</summary>
    /// <exception cref="OpenDeskException">No server is listening, the connection failed, or the reply is malformed.</exception>
    public static Task<MsgMap> RequestAsync(AdminEndpoint endpoint, MsgMap request, CancellationToken cancellationToken) =>
        RequestAsync(endpoint, request, null, null, cancellationToken);

    /// <summary>The sessions the daemon holds (0 or 1 in v1).</summary>
    /// <exception cref="OpenDeskException">The daemon is unreachable, or answered with <c>ok=false</c> (its error text, else <c>list failed</c>).</exception>
    public static async Task<IReadOnlyList<AdminSession>> ListAsync(AdminEndpoint endpoint, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(endpoint, new MsgMap(1) { ["op"] = "list" }, ReplyTimeout, null, cancellationToken).ConfigureAwait(false);
        ThrowUnlessOk(reply, "list failed");
        if (!reply.TryGetValue("sessions", out var value) || value is not List<object?> entries)
        {
            throw new OpenDeskException($"malformed admin list reply: 'sessions' is {Describe(reply.GetValueOrDefault("sessions"))}, expected a list");
        }

        return entries.Select(ParseSession).ToList();
    }

    /// <summary>Asks the daemon to evict one session; true only if a live session was closed (spec §20.3).</summary>
    public static async Task<bool> KillAsync(AdminEndpoint endpoint, string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var request = new MsgMap(2) { ["op"] = "kill", ["id"] = sessionId };
        var reply = await RequestAsync(endpoint, request, ReplyTimeout, null, cancellationToken).ConfigureAwait(false);
        return reply.GetValueOrDefault("ok") is true;
    }

    /// <summary>Evicts every session (<c>opendesk disconnect</c>); returns how many were closed.</summary>
    /// <exception cref="OpenDeskException">The daemon is unreachable, or answered with <c>ok=false</c> (its error text, else <c>kill_all failed</c>).</exception>
    public static async Task<int> KillAllAsync(AdminEndpoint endpoint, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(endpoint, new MsgMap(1) { ["op"] = "kill_all" }, ReplyTimeout, null, cancellationToken).ConfigureAwait(false);
        ThrowUnlessOk(reply, "kill_all failed");
        return reply.GetValueOrDefault("killed") switch
        {
            long n when n is >= 0 and <= int.MaxValue => (int)n,
            var other => throw new OpenDeskException($"malformed admin kill_all reply: 'killed' is {Describe(other)}, expected a count"),
        };
    }

    /// <summary>
    /// Opens the running daemon's pairing window with <paramref name="code"/> and waits until someone pairs or
    /// <paramref name="timeout"/> passes. <paramref name="opened"/> gets the daemon's port once the window is
    /// open. Cancelling closes the connection, which closes the window.
    /// </summary>
    /// <exception cref="OpenDeskException">
    /// Nobody paired in time (<c>no peer paired within 300.0s.</c>), a window is already open, or the daemon is unreachable.
    /// </exception>
    public static Task<PairingOutcome> PairAsync(AdminEndpoint endpoint, string code, TimeSpan timeout, Action<int> opened, CancellationToken cancellationToken) =>
        PairAsync(endpoint, new PairingRequest(code, timeout), opened, cancellationToken);

    /// <summary>
    /// Opens the running daemon's pairing window as <paramref name="request"/> says and waits until someone pairs or
    /// its timeout passes; notices reach <see cref="PairingRequest.OnNotice"/> as they happen.
    /// </summary>
    public static async Task<PairingOutcome> PairAsync(AdminEndpoint endpoint, PairingRequest request, Action<int> opened, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(opened);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.Timeout, TimeSpan.Zero);
        var message = new MsgMap(4) { ["op"] = "pair", ["code"] = request.Code, ["timeout"] = request.Timeout.TotalSeconds };
        if (request.AllowLegacy)
        {
            message["legacy"] = true;
        }

        var reply = await RequestAsync(endpoint, message, null, interim =>
        {
            if (interim.GetValueOrDefault("notice") is string notice)
            {
                request.OnNotice?.Invoke(notice);
                return;
            }

            opened(interim.GetValueOrDefault("port") switch
            {
                long port when port is > 0 and <= 65535 => (int)port,
                var other => throw new OpenDeskException($"malformed admin pair reply: 'port' is {Describe(other)}, expected a port number"),
            });
        }, cancellationToken).ConfigureAwait(false);
        ThrowUnlessOk(reply, "pair failed");
        return new PairingOutcome(
            RequiredString(reply, "name", "pair"),
            RequiredString(reply, "public_key", "pair"),
            RequiredString(reply, "fingerprint", "pair"))
        {
            ActiveController = reply.GetValueOrDefault("active_controller") as string,
        };
    }

    // onInterim serves requests answered more than once (pair): it receives {"ok": true, "open": true, …} and
    // {"ok": true, "notice": …} replies before the final one.
    private static async Task<MsgMap> RequestAsync(AdminEndpoint endpoint, MsgMap request, TimeSpan? replyTimeout, Action<MsgMap>? onInterim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(request);
        var stream = await endpoint.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (replyTimeout is { } limit)
            {
                deadline.CancelAfter(limit);
            }

            object? reply;
            try
            {
                await AdminFrame.WriteAsync(stream, request, deadline.Token).ConfigureAwait(false);
                reply = await AdminFrame.ReadAsync(stream, deadline.Token).ConfigureAwait(false);
                while (onInterim is not null && reply is MsgMap interim && interim.GetValueOrDefault("ok") is true
                    && (interim.GetValueOrDefault("open") is true || interim.ContainsKey("notice")))
                {
                    onInterim(interim);
                    reply = await AdminFrame.ReadAsync(stream, deadline.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && replyTimeout is { } waited)
            {
                throw new OpenDeskException(
                    $"opendesk serve did not answer the admin request within {waited.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s ({endpoint})",
                    e);
            }
            catch (EndOfStreamException e)
            {
                throw new OpenDeskException($"opendesk serve closed the admin connection without a reply ({endpoint})", e);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                throw new OpenDeskException($"admin connection to {endpoint.Address} failed: {e.Message}", e);
            }
            catch (ProtocolException e)
            {
                throw new OpenDeskException($"malformed admin reply from {endpoint.Address}: {e.Message}", e);
            }

            return reply as MsgMap
                ?? throw new OpenDeskException($"malformed admin reply from {endpoint.Address}: expected a map, got {Describe(reply)}");
        }
    }

    private static void ThrowUnlessOk(MsgMap reply, string fallback)
    {
        if (reply.GetValueOrDefault("ok") is true)
        {
            return;
        }

        // Upstream's CLI shows the error text, or a fixed fallback when the daemon gave none (spec §20.4).
        throw new OpenDeskException(reply.GetValueOrDefault("error") is string { Length: > 0 } error ? error : fallback);
    }

    private static AdminSession ParseSession(object? entry)
    {
        if (entry is not MsgMap map)
        {
            throw new OpenDeskException($"malformed admin list reply: a session is {Describe(entry)}, expected a map");
        }

        return new AdminSession(
            RequiredString(map, "id", "list"),
            RequiredString(map, "peer_name", "list"),
            RequiredString(map, "peer_pubkey_hex", "list"),
            RequiredString(map, "remote_addr", "list"),
            RequiredNumber(map, "started_at"),
            RequiredNumber(map, "age_seconds"),
            RequiredString(map, "mode", "list"));
    }

    private static string RequiredString(MsgMap map, string key, string op) =>
        map.GetValueOrDefault(key) as string
        ?? throw new OpenDeskException($"malformed admin {op} reply: '{key}' is {Describe(map.GetValueOrDefault(key))}, expected a string");

    /// <summary>Floats may arrive as integers from other implementations (spec §2.2).</summary>
    private static double RequiredNumber(MsgMap map, string key) => map.GetValueOrDefault(key) switch
    {
        double d => d,
        long l => l,
        ulong u => u,
        var other => throw new OpenDeskException($"malformed admin list reply: '{key}' is {Describe(other)}, expected a number"),
    };

    private static string Describe(object? value) => value is null ? "missing" : PyRepr.Format(value);
}
