using Microsoft.Extensions.Logging;
using OpenDesk.Protocol;
using OpenDesk.Trust;

namespace OpenDesk.Server.Audit;

/// <summary>
/// <c>&lt;home&gt;/audit/YYYY-MM-DD.jsonl</c> (spec §22): one JSON object per line with sorted keys, flushed per
/// line, rolled by local date, directory 0700 and files 0600. A full disk or an unwritable directory is
/// logged and never stops serving.
/// </summary>
internal sealed class AuditLog : IDisposable
{
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private FileStream? _file;
    private string? _fileDate;
    private bool _failing;

    public AuditLog(string directory, ILogger logger, TimeProvider? time = null)
    {
        _directory = directory;
        _logger = logger;
        _time = time ?? TimeProvider.System;
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

    /// <summary>A refused connection; auth and handshake failures have no peer (spec §22).</summary>
    public void SessionRejected(string peerName, string peerKeyHex, string remoteAddress, string reason) =>
        Write("session.rejected", peerName, peerKeyHex, new()
        {
            ["remote_addr"] = remoteAddress,
            ["reason"] = reason,
        });

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
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
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
