using Microsoft.Extensions.Logging;
using OpenDesk.Protocol;
using OpenDesk.Trust;

namespace OpenDesk.Server.Audit;

/// <summary>
/// <c>&lt;home&gt;/audit/YYYY-MM-DD.jsonl</c> (spec §22): one JSON object per line with sorted keys, flushed per
/// line, rolled by local date, directory 0700 and files 0600. A full disk or an unwritable directory is
/// logged and never stops serving.
/// </summary>
/// <remarks>
/// Rejections repeat in a flood (hundreds of unknown-key logins a second), so they are aggregated: the first of
/// a kind from one address in each <see cref="RejectionInterval"/> is written as usual, and the ones that follow
/// in that interval become a single line with a <c>count</c>, written when the interval ends.
/// </remarks>
public sealed class AuditLog : IDisposable
{
    public static readonly TimeSpan RejectionInterval = TimeSpan.FromSeconds(60);

    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Lock _rejectionsLock = new();
    private readonly Dictionary<(string Host, string Reason, string PeerKey), RepeatedRejection> _rejections = [];
    private readonly ITimer _rejectionFlush;
    private FileStream? _file;
    private string? _fileDate;
    private bool _failing;

    public AuditLog(string directory, ILogger logger, TimeProvider? time = null)
    {
        _directory = directory;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        var period = RejectionInterval / 4;
        _rejectionFlush = _time.CreateTimer(_ => FlushRejections(all: false), null, period, period);
    }

    public void SessionOpened(SessionInfo session) =>
        Write("session.opened", session.PeerName, session.PeerPublicKeyHex, new()
        {
            ["session_id"] = session.Id,
            ["remote_addr"] = session.RemoteAddress,
            ["mode"] = session.Mode,
        });

    public void SessionClosed(SessionInfo session, double duration, string reason) =>
        Write("session.closed", session.PeerName, session.PeerPublicKeyHex, new()
        {
            ["session_id"] = session.Id,
            ["duration"] = Math.Round(duration, 3),
            ["reason"] = reason,
        });

    /// <summary>A refused connection; auth and handshake failures have no peer (spec §22). Repeats are aggregated.</summary>
    public void SessionRejected(string peerName, string peerKeyHex, string remoteAddress, string reason)
    {
        var key = (OpenDesk.Transport.RemoteAddress.HostOf(remoteAddress), reason, peerKeyHex);
        var now = _time.GetTimestamp();
        RepeatedRejection? finished = null;
        lock (_rejectionsLock)
        {
            if (_rejections.TryGetValue(key, out var open))
            {
                if (_time.GetElapsedTime(open.Since, now) < RejectionInterval)
                {
                    open.Count++;
                    return;
                }

                finished = open;
            }

            _rejections[key] = new RepeatedRejection(key.Item1, reason, peerName, peerKeyHex, now, _time.GetUtcNow());
        }

        WriteRepeated(finished);
        WriteRejection(peerName, peerKeyHex, remoteAddress, reason, null);
    }

    public void Call(SessionInfo session, string method, string summary, string? errorCode, string? errorMessage)
    {
        var fields = new Dictionary<string, object?>
        {
            ["session_id"] = session.Id,
            ["method"] = method,
            ["summary"] = summary,
            ["outcome"] = errorCode is null ? "ok" : "error",
        };
        if (errorCode is not null)
        {
            fields["error_code"] = errorCode;
            fields["error_message"] = errorMessage is { Length: > 200 } ? errorMessage[..200] : errorMessage ?? "";
        }

        Write("call", session.PeerName, session.PeerPublicKeyHex, fields);
    }

    public void Dispose()
    {
        _rejectionFlush.Dispose();
        FlushRejections(all: true);
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private void FlushRejections(bool all)
    {
        List<RepeatedRejection> finished;
        lock (_rejectionsLock)
        {
            var now = _time.GetTimestamp();
            finished = [.. _rejections.Values.Where(r => all || _time.GetElapsedTime(r.Since, now) >= RejectionInterval)];
            foreach (var rejection in finished)
            {
                _rejections.Remove((rejection.Host, rejection.Reason, rejection.PeerKey));
            }
        }

        foreach (var rejection in finished)
        {
            WriteRepeated(rejection);
        }
    }

    private void WriteRepeated(RepeatedRejection? rejection)
    {
        if (rejection is { Count: > 0 })
        {
            WriteRejection(rejection.PeerName, rejection.PeerKey, rejection.Host, rejection.Reason, rejection);
        }
    }

    private void WriteRejection(string peerName, string peerKeyHex, string remoteAddress, string reason, RepeatedRejection? repeated)
    {
        var fields = new Dictionary<string, object?>
        {
            ["remote_addr"] = remoteAddress,
            ["reason"] = reason,
        };
        if (repeated is not null)
        {
            fields["count"] = (long)repeated.Count;
            fields["since"] = (repeated.SinceUtc - DateTimeOffset.UnixEpoch).TotalSeconds;
        }

        Write("session.rejected", peerName, peerKeyHex, fields);
    }


    /// <summary>Rejections after the first of a kind from one address within one interval.</summary>
    private sealed record RepeatedRejection(string Host, string Reason, string PeerName, string PeerKey, long Since, DateTimeOffset SinceUtc)
    {
        public int Count { get; set; }
    }

    /// <summary>The file for a local date, as <c>opendesk audit --date</c> reads it.</summary>
    public static string PathFor(string directory, DateOnly date) => Path.Combine(directory, $"{date:yyyy-MM-dd}.jsonl");

    private void Write(string type, string peerName, string peerKeyHex, Dictionary<string, object?> fields)
    {
        var now = _time.GetUtcNow();
        fields["ts"] = (now - DateTimeOffset.UnixEpoch).TotalSeconds;
        fields["type"] = type;
        fields["peer"] = new Dictionary<string, object?>
        {
            ["fp"] = peerKeyHex.Length >= 16 ? Fingerprint.Audit(peerKeyHex) : "",
            ["name"] = peerName,
        };
        var line = PyJson.Dumps(fields) + "\n";
        var localDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, _time.LocalTimeZone).DateTime);
        lock (_gate)
        {
            try
            {
                var stream = FileFor(localDate);
                stream.Write(System.Text.Encoding.UTF8.GetBytes(line));
                stream.Flush();
                if (_failing)
                {
                    _failing = false;
                    _logger.LogInformation("audit log writable again at {Directory}", _directory);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _file?.Dispose();
                _file = null;
                if (!_failing)
                {
                    _failing = true;
                    _logger.LogWarning("cannot write the audit log in {Directory}: {Message}; serving continues without audit lines until it is writable", _directory, ex.Message);
                }
            }
        }
    }

    private FileStream FileFor(DateOnly date)
    {
        var name = $"{date:yyyy-MM-dd}";
        if (_file is not null && _fileDate == name)
        {
            return _file;
        }

        _file?.Dispose();
        _file = null;
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_directory);
        }
        else
        {
            if (!Directory.Exists(_directory))
            {
                Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        _file = new FileStream(PathFor(_directory, date), options);
        _fileDate = name;
        return _file;
    }
}
