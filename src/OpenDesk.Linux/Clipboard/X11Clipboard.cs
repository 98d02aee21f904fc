using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using OpenDesk.Computer;
using OpenDesk.Computer.Modules;
using OpenDesk.Linux.X11;
using static OpenDesk.Linux.X11.Xlib.Selection;

namespace OpenDesk.Linux.Clipboard;

/// <summary>
/// The X CLIPBOARD selection, both as owner (clipboard.write) and as requestor (clipboard.read), per ICCCM §2.
/// <para>
/// X has no clipboard storage: the writer keeps the data and answers every paste itself, so this object owns
/// an unmapped window on its own connection and a dedicated thread serving requests for as long as it holds
/// the selection (until another client copies something). All X calls happen on that thread; other threads
/// hand it work and wake it through an eventfd it polls beside the X socket.
/// </para>
/// <para>
/// Written text is offered as UTF8_STRING, STRING (Latin-1), TEXT, text/plain and text/plain;charset=utf-8;
/// other entries under their MIME type (image/png). Data above the server's request size goes out in INCR
/// chunks. Reads ask for TARGETS, then fetch image/png and the best text target (UTF8_STRING first), with INCR
/// on that side too, and return <c>text/plain;charset=utf-8</c> and/or <c>image/png</c> entries. An owner that
/// stays silent for <see cref="ReplyTimeout"/> yields empty contents rather than an error, as does no owner.
/// </para>
/// </summary>
internal sealed class X11Clipboard : IClipboardModule, IDisposable
{
    /// <summary>How long an owner may stay silent before a read gives up on it (per step, so large INCR transfers still finish).</summary>
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The most a read accepts from another owner; beyond it the owner is misbehaving or the content is unusable remotely.</summary>
    public const long MaxIncomingBytes = 256L * 1024 * 1024;

    /// <summary>How long a requestor may pause an INCR transfer we serve before we abandon it.</summary>
    private static readonly TimeSpan TransferTimeout = TimeSpan.FromSeconds(10);

    private const int PreferredChunk = 256 * 1024;

    /// <summary>How much of a property one XGetWindowProperty fetches, in 4-byte units (4 MiB).</summary>
    private const int ReadUnits = 1024 * 1024;

    private readonly XDisplayConnection _connection;
    private readonly nint _display;
    private readonly nint _window;
    private readonly ClipboardAtoms _atoms;
    private readonly int _chunkSize;
    private readonly int _wakeFd;
    private readonly Thread _loop;
    private readonly ConcurrentQueue<Action> _work = new();
    private readonly SemaphoreSlim _readGate = new(1, 1);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly nint[] _textPreference;
    private volatile bool _stopping;
    private int _disposed;

    // Loop-thread state: touched only by the loop thread (and by Dispose after the loop has stopped).
    private readonly Dictionary<(nint Requestor, nint Property), OutgoingTransfer> _outgoing = [];
    private IReadOnlyDictionary<nint, (nint Type, byte[] Data)>? _offers;
    private ClipboardContents? _owned;
    private nint _ownedSince;
    private PendingOwnership? _pendingOwnership;
    private PendingConversion? _conversion;

    private X11Clipboard(XDisplayConnection connection)
    {
        _connection = connection;
        _display = connection.Run(d => d);
        _atoms = new ClipboardAtoms(_display);
        _textPreference = [_atoms.Utf8String, _atoms.TextPlainUtf8, XA_STRING, _atoms.Text, _atoms.TextPlain];
        _window = Xlib.XCreateSimpleWindow(_display, connection.Root, -10, -10, 1, 1, 0, 0, 0);
        Xlib.XSelectInput(_display, _window, PropertyChangeMask);

        // Property data must fit in one request; stay well under the limit so the request header fits too.
        var maxRequestUnits = Xlib.XExtendedMaxRequestSize(_display);
        if (maxRequestUnits == 0)
        {
            maxRequestUnits = Xlib.XMaxRequestSize(_display);
        }

        _chunkSize = (int)Math.Min(PreferredChunk, (maxRequestUnits * 4) - 1024);
        Xlib.XFlush(_display);

        _wakeFd = WakeInterop.eventfd(0, WakeInterop.EFD_CLOEXEC | WakeInterop.EFD_NONBLOCK);
        if (_wakeFd < 0)
        {
            Xlib.XDestroyWindow(_display, _window);
            throw new OpenDeskException($"cannot create the clipboard's wake-up eventfd: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        _loop = new Thread(Run) { IsBackground = true, Name = "opendesk-clipboard" };
        _loop.Start();
    }

    public IReadOnlyCollection<string> Capabilities { get; } = [OpenDesk.Protocol.Capabilities.ClipboardRead, OpenDesk.Protocol.Capabilities.ClipboardWrite];

    /// <summary>Connects to <paramref name="displayName"/> (or <c>$DISPLAY</c>) and starts serving.</summary>
    public static X11Clipboard Open(string? displayName = null)
    {
        var connection = XDisplayConnection.Open(displayName);
        try
        {
            return new X11Clipboard(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary><c>clipboard.read</c>: text and/or PNG from whoever owns CLIPBOARD; empty when nobody does or the owner is unresponsive.</summary>
    public async Task<ClipboardContents> ReadClipboardAsync(CancellationToken cancellationToken = default)
    {
        await _readGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (owner, owned) = await Invoke(() => (Xlib.XGetSelectionOwner(_display, _atoms.Clipboard), _owned)).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (owner == Xlib.None)
            {
                return new ClipboardContents();
            }

            if (owner == _window && owned is not null)
            {
                return Normalize(owned);
            }

            var (targets, silent) = await ConvertAsync(_atoms.Targets, cancellationToken).ConfigureAwait(false);
            if (silent)
            {
                return new ClipboardContents();
            }

            var offered = targets is { Format: 32 } ? Atoms(targets.Data) : [];
            var entries = new List<ClipboardEntry>();

            // An owner that cannot list its targets (some old clients) usually still converts to text.
            var textTargets = offered.Count == 0 ? [_atoms.Utf8String, XA_STRING] : _textPreference.Where(offered.Contains).Take(1).ToArray();
            foreach (var target in textTargets)
            {
                var (text, textSilent) = await ConvertAsync(target, cancellationToken).ConfigureAwait(false);
                if (text is not null)
                {
                    entries.Add(new ClipboardEntry(ClipboardEntry.TextMimeType, DecodeText(text)));
                    break;
                }

                if (textSilent)
                {
                    break;
                }
            }

            if (offered.Contains(_atoms.ImagePng) && (await ConvertAsync(_atoms.ImagePng, cancellationToken).ConfigureAwait(false)).Data is { } png)
            {
                entries.Add(new ClipboardEntry("image/png", png.Data));
            }

            return new ClipboardContents { Entries = entries };
        }
        finally
        {
            _readGate.Release();
        }
    }

    /// <summary>
    /// <c>clipboard.write</c>: takes CLIPBOARD and serves <paramref name="contents"/> until another client copies.
    /// Empty contents clear the clipboard (no owner).
    /// </summary>
    public async Task WriteClipboardAsync(ClipboardContents contents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contents);
        foreach (var entry in contents.Entries)
        {
            if (string.IsNullOrWhiteSpace(entry.MimeType) || entry.MimeType.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"invalid clipboard MIME type '{entry.MimeType}'");
            }
        }

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var pending = await Invoke(() => BeginOwnership(contents)).WaitAsync(cancellationToken).ConfigureAwait(false);
            await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping = true;
        Wake();
        _loop.Join();
        var disposed = new ObjectDisposedException(nameof(X11Clipboard));
        while (_work.TryDequeue(out var item))
        {
            // On a lost server the work would wait on the dead connection; its callers time out instead.
            if (!XErrorTrap.IsConnectionLost)
            {
                item();
            }
        }

        _conversion?.Completion.TrySetException(disposed);
        _pendingOwnership?.Completion.TrySetException(disposed);
        if (!XErrorTrap.IsConnectionLost)
        {
            Xlib.XDestroyWindow(_display, _window);
        }

        _connection.Dispose();
        WakeInterop.close(_wakeFd);
        _readGate.Dispose();
        _writeGate.Dispose();
    }

    // ---- Loop thread -------------------------------------------------------------------------------------

    private unsafe void Run()
    {
        Xlib.XEvent ev;
        var fds = stackalloc WakeInterop.PollFd[2];
        var xfd = Xlib.XConnectionNumber(_display);
        // A lost X server leaves its socket readable forever: stop instead of spinning; Dispose fails what is queued.
        while (!_stopping && !XErrorTrap.IsConnectionLost)
        {
            try
            {
                while (Xlib.XPending(_display) > 0)
                {
                    Xlib.XNextEvent(_display, &ev);
                    Handle(&ev);
                }

                while (_work.TryDequeue(out var item))
                {
                    item();
                }

                ExpireDeadlines();

                // Work items may have read replies that queued events; handle those before sleeping.
                if (Xlib.XPending(_display) > 0)
                {
                    continue;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A malformed request or a bug in one handler must not stop the clipboard for everyone.
            }

            fds[0] = new WakeInterop.PollFd { Fd = xfd, Events = WakeInterop.POLLIN };
            fds[1] = new WakeInterop.PollFd { Fd = _wakeFd, Events = WakeInterop.POLLIN };
            WakeInterop.poll(fds, 2, NextTimeoutMilliseconds());
            if (fds[1].ReturnedEvents != 0)
            {
                ulong counter;
                WakeInterop.read(_wakeFd, &counter, sizeof(ulong));
            }
        }
    }

    private unsafe void Handle(Xlib.XEvent* ev)
    {
        switch (ev->Type)
        {
            case SelectionRequest:
                OnSelectionRequest((XSelectionRequestEvent*)ev);
                break;
            case SelectionNotify:
                OnSelectionNotify((XSelectionEvent*)ev);
                break;
            case PropertyNotify:
                OnPropertyNotify((XPropertyEvent*)ev);
                break;
            case SelectionClear:
                var clear = (XSelectionClearEvent*)ev;
                if (clear->Window == _window && clear->Selection == _atoms.Clipboard)
                {
                    // Someone else copied: drop our data. Running INCR transfers keep their own reference.
                    _offers = null;
                    _owned = null;
                }

                break;
            default:
                break;
        }
    }

    private unsafe PendingOwnership BeginOwnership(ClipboardContents contents)
    {
        _pendingOwnership?.Completion.TrySetException(new OpenDeskException("superseded by a newer clipboard write"));
        var pending = new PendingOwnership(contents, contents.Entries.Count == 0 ? null : BuildOffers(contents), DateTime.UtcNow + ReplyTimeout);
        _pendingOwnership = pending;
        Xlib.XChangeProperty(_display, _window, _atoms.TimestampProperty, XA_INTEGER, 8, PropModeAppend, null, 0);
        return pending;
    }

    private void CompleteOwnership(nint time)
    {
        if (_pendingOwnership is not { } pending)
        {
            return;
        }

        _pendingOwnership = null;
        if (pending.Offers is null)
        {
            Xlib.XSetSelectionOwner(_display, _atoms.Clipboard, Xlib.None, time);
            _offers = null;
            _owned = null;
            pending.Completion.TrySetResult();
            return;
        }

        Xlib.XSetSelectionOwner(_display, _atoms.Clipboard, _window, time);
        if (Xlib.XGetSelectionOwner(_display, _atoms.Clipboard) != _window)
        {
            pending.Completion.TrySetException(new OpenDeskException(
                "could not take the X clipboard: another client claimed it at the same moment; try again"));
            return;
        }

        _offers = pending.Offers;
        _owned = pending.Contents;
        _ownedSince = time;
        pending.Completion.TrySetResult();
    }

    private Dictionary<nint, (nint Type, byte[] Data)> BuildOffers(ClipboardContents contents)
    {
        var offers = new Dictionary<nint, (nint Type, byte[] Data)>();
        if (contents.Entries.FirstOrDefault(e => e.IsText) is { } text)
        {
            offers[_atoms.Utf8String] = (_atoms.Utf8String, text.Data);
            offers[_atoms.TextPlainUtf8] = (_atoms.TextPlainUtf8, text.Data);
            offers[_atoms.TextPlain] = (_atoms.TextPlain, text.Data);

            // TEXT lets the owner pick the encoding; UTF8_STRING loses nothing.
            offers[_atoms.Text] = (_atoms.Utf8String, text.Data);
            offers[XA_STRING] = (XA_STRING, Encoding.Latin1.GetBytes(Encoding.UTF8.GetString(text.Data)));
        }

        foreach (var entry in contents.Entries)
        {
            var atom = ClipboardAtoms.Intern(_display, entry.MimeType);
            offers.TryAdd(atom, (atom, entry.Data));
        }

        return offers;
    }

    private unsafe void OnSelectionRequest(XSelectionRequestEvent* request)
    {
        // Obsolete clients send no property and expect the target's name to be used (ICCCM §2.2).
        var property = request->Property == Xlib.None ? request->Target : request->Property;
        var served = request->Selection == _atoms.Clipboard
            && request->Owner == _window
            && _offers is not null
            && IsNotBeforeOwnership(request->Time)
            && Serve(request->Requestor, property, request->Target);

        Xlib.XEvent reply = default;
        var notify = (XSelectionEvent*)&reply;
        notify->Type = SelectionNotify;
        notify->Display = _display;
        notify->Requestor = request->Requestor;
        notify->Selection = request->Selection;
        notify->Target = request->Target;
        notify->Property = served ? property : Xlib.None;
        notify->Time = request->Time;
        Xlib.XSendEvent(_display, request->Requestor, Xlib.False, NoEventMask, &reply);
    }

    private unsafe bool Serve(nint requestor, nint property, nint target)
    {
        if (target == _atoms.Targets)
        {
            var atoms = new nint[] { _atoms.Targets, _atoms.Timestamp }.Concat(_offers!.Keys).ToArray();
            fixed (nint* data = atoms)
            {
                Xlib.XChangeProperty(_display, requestor, property, XA_ATOM, 32, PropModeReplace, (byte*)data, atoms.Length);
            }

            return true;
        }

        if (target == _atoms.Timestamp)
        {
            var time = _ownedSince;
            Xlib.XChangeProperty(_display, requestor, property, XA_INTEGER, 32, PropModeReplace, (byte*)&time, 1);
            return true;
        }

        if (!_offers!.TryGetValue(target, out var offer))
        {
            return false;
        }

        if (offer.Data.Length <= _chunkSize)
        {
            fixed (byte* data = offer.Data)
            {
                Xlib.XChangeProperty(_display, requestor, property, offer.Type, 8, PropModeReplace, data, offer.Data.Length);
            }

            return true;
        }

        // INCR: announce the size, then send a chunk each time the requestor deletes the property. Watching its
        // window must start before the announcement, or its first delete could be missed.
        Xlib.XSelectInput(_display, requestor, PropertyChangeMask);
        nint size = offer.Data.Length;
        Xlib.XChangeProperty(_display, requestor, property, _atoms.Incr, 32, PropModeReplace, (byte*)&size, 1);
        _outgoing[(requestor, property)] = new OutgoingTransfer(requestor, property, offer.Type, offer.Data) { Deadline = DateTime.UtcNow + TransferTimeout };
        return true;
    }

    private unsafe void OnPropertyNotify(XPropertyEvent* ev)
    {
        if (ev->Window == _window)
        {
            if (ev->Atom == _atoms.TimestampProperty && ev->State == PropertyNewValue)
            {
                CompleteOwnership(ev->Time);
            }
            else if (ev->Atom == _atoms.ReadProperty && ev->State == PropertyNewValue && _conversion is { Incoming: not null } conversion)
            {
                ReceiveChunk(conversion);
            }

            return;
        }

        if (ev->State == PropertyDelete && _outgoing.TryGetValue((ev->Window, ev->Atom), out var transfer))
        {
            SendChunk(transfer);
        }
    }

    private unsafe void SendChunk(OutgoingTransfer transfer)
    {
        var length = Math.Min(_chunkSize, transfer.Data.Length - transfer.Offset);
        fixed (byte* data = transfer.Data)
        {
            Xlib.XChangeProperty(_display, transfer.Requestor, transfer.Property, transfer.Type, 8, PropModeReplace, data + transfer.Offset, length);
        }

        transfer.Offset += length;
        transfer.Deadline = DateTime.UtcNow + TransferTimeout;
        if (length == 0)
        {
            // The zero-length chunk just written tells the requestor the transfer is complete.
            EndTransfer(transfer);
        }
    }

    private void EndTransfer(OutgoingTransfer transfer)
    {
        _outgoing.Remove((transfer.Requestor, transfer.Property));
        if (!_outgoing.Keys.Any(k => k.Requestor == transfer.Requestor))
        {
            Xlib.XSelectInput(_display, transfer.Requestor, NoEventMask);
        }
    }

    private PendingConversion BeginConversion(nint target)
    {
        _conversion?.Completion.TrySetResult(null);
        var conversion = new PendingConversion(target, DateTime.UtcNow + ReplyTimeout);
        _conversion = conversion;
        Xlib.XDeleteProperty(_display, _window, _atoms.ReadProperty);
        Xlib.XConvertSelection(_display, _atoms.Clipboard, target, _atoms.ReadProperty, _window, Xlib.CurrentTime);
        return conversion;
    }

    private unsafe void OnSelectionNotify(XSelectionEvent* ev)
    {
        if (_conversion is not { Incoming: null } conversion || ev->Requestor != _window || ev->Selection != _atoms.Clipboard || ev->Target != conversion.Target)
        {
            return;
        }

        if (ev->Property == Xlib.None)
        {
            Finish(conversion, null);
            return;
        }

        // Reading with delete also tells an INCR owner to start sending chunks.
        var reply = ReadProperty(ev->Property);
        if (reply is null || reply.Type != _atoms.Incr)
        {
            Finish(conversion, reply);
            return;
        }

        var announced = reply.Data.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(reply.Data) : 0;
        conversion.Incoming = new MemoryStream((int)Math.Min(announced, (uint)PreferredChunk * 64));
        conversion.Deadline = DateTime.UtcNow + ReplyTimeout;
    }

    private void ReceiveChunk(PendingConversion conversion)
    {
        var chunk = ReadProperty(_atoms.ReadProperty);
        if (chunk is null)
        {
            return;
        }

        conversion.Deadline = DateTime.UtcNow + ReplyTimeout;
        var incoming = conversion.Incoming!;
        if (chunk.Data.Length == 0)
        {
            Finish(conversion, new SelectionData(conversion.IncomingType, conversion.IncomingFormat, incoming.ToArray()));
            return;
        }

        if (incoming.Length + chunk.Data.Length > MaxIncomingBytes)
        {
            _conversion = null;
            conversion.Completion.TrySetException(new OpenDeskException(
                $"the clipboard owner sent more than {MaxIncomingBytes} bytes; refusing to read further"));
            return;
        }

        conversion.IncomingType = chunk.Type;
        conversion.IncomingFormat = chunk.Format;
        incoming.Write(chunk.Data);
    }

    private void Finish(PendingConversion conversion, SelectionData? data)
    {
        if (_conversion == conversion)
        {
            _conversion = null;
        }

        conversion.Completion.TrySetResult(data);
    }

    /// <summary>Reads and deletes a property of our window, whatever its size; null when it does not exist.</summary>
    private unsafe SelectionData? ReadProperty(nint property)
    {
        using var buffer = new MemoryStream();
        nint offset = 0;
        nint type;
        int format;
        while (true)
        {
            var rc = Xlib.XGetWindowProperty(
                _display, _window, property, offset, ReadUnits, Xlib.True, Xlib.AnyPropertyType,
                out type, out format, out var count, out var bytesAfter, out var data);
            if (rc != Xlib.Success)
            {
                return null;
            }

            try
            {
                if (type == Xlib.None)
                {
                    return null;
                }

                var wireBytes = AppendItems(buffer, data, format, count);
                offset += wireBytes / 4;
            }
            finally
            {
                if (data != null)
                {
                    Xlib.XFree(data);
                }
            }

            if (bytesAfter == 0)
            {
                break;
            }
        }

        return new SelectionData(type, format, buffer.ToArray());
    }

    /// <summary>Copies returned items; Xlib hands format-32 items over as C longs, which become 4-byte values here.</summary>
    private unsafe static int AppendItems(MemoryStream buffer, byte* data, int format, nuint count)
    {
        switch (format)
        {
            case 8:
                buffer.Write(new ReadOnlySpan<byte>(data, checked((int)count)));
                return (int)count;
            case 16:
                var shorts = new ReadOnlySpan<short>(data, checked((int)count));
                Span<byte> two = stackalloc byte[2];
                foreach (var value in shorts)
                {
                    BinaryPrimitives.WriteInt16LittleEndian(two, value);
                    buffer.Write(two);
                }

                return (int)count * 2;
            case 32:
                var longs = new ReadOnlySpan<nint>(data, checked((int)count));
                Span<byte> four = stackalloc byte[4];
                foreach (var value in longs)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(four, unchecked((uint)value));
                    buffer.Write(four);
                }

                return (int)count * 4;
            default:
                return 0;
        }
    }

    private void ExpireDeadlines()
    {
        var now = DateTime.UtcNow;
        if (_conversion is { } conversion && now >= conversion.Deadline)
        {
            _conversion = null;
            conversion.Completion.TrySetException(new TimeoutException($"the clipboard owner did not answer within {ReplyTimeout.TotalSeconds} s"));
        }

        if (_pendingOwnership is { } pending && now >= pending.Deadline)
        {
            _pendingOwnership = null;
            pending.Completion.TrySetException(new OpenDeskException(
                $"the X server did not report a timestamp within {ReplyTimeout.TotalSeconds} s, so the clipboard could not be taken"));
        }

        foreach (var transfer in _outgoing.Values.Where(t => now >= t.Deadline).ToList())
        {
            EndTransfer(transfer);
        }
    }

    private int NextTimeoutMilliseconds()
    {
        var next = DateTime.UtcNow.AddSeconds(1);
        if (_conversion is { } conversion && conversion.Deadline < next)
        {
            next = conversion.Deadline;
        }

        if (_pendingOwnership is { } pending && pending.Deadline < next)
        {
            next = pending.Deadline;
        }

        return Math.Max(0, (int)Math.Ceiling((next - DateTime.UtcNow).TotalMilliseconds));
    }

    // ---- Helpers -----------------------------------------------------------------------------------------

    /// <summary>Converts CLIPBOARD to <paramref name="target"/>; Silent when the owner did not answer in time.</summary>
    private async Task<(SelectionData? Data, bool Silent)> ConvertAsync(nint target, CancellationToken cancellationToken)
    {
        var conversion = await Invoke(() => BeginConversion(target)).WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (await conversion.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false), false);
        }
        catch (TimeoutException)
        {
            return (null, true);
        }
    }

    private Task<T> Invoke<T>(Func<T> action)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        _connection.ThrowIfLost();
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Enqueue(() =>
        {
            try
            {
                completion.TrySetResult(action());
            }
            catch (Exception e)
            {
                completion.TrySetException(e);
            }
        });
        Wake();

        // Bounded so a caller racing Dispose cannot wait forever for a loop that has stopped.
        return completion.Task.WaitAsync(ReplyTimeout);
    }

    private unsafe void Wake()
    {
        ulong one = 1;
        WakeInterop.write(_wakeFd, &one, sizeof(ulong));
    }

    private bool IsNotBeforeOwnership(nint time) =>
        time == Xlib.CurrentTime || unchecked((int)((uint)time - (uint)_ownedSince)) >= 0;

    private static List<nint> Atoms(byte[] data)
    {
        var atoms = new List<nint>(data.Length / 4);
        for (var i = 0; i + 4 <= data.Length; i += 4)
        {
            atoms.Add((nint)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(i)));
        }

        return atoms;
    }

    /// <summary>Text as UTF-8: STRING is Latin-1 by definition; a trailing NUL some owners add is dropped; invalid UTF-8 is repaired.</summary>
    private static byte[] DecodeText(SelectionData text)
    {
        var data = text.Data.AsSpan().TrimEnd((byte)0);
        if (text.Type == XA_STRING)
        {
            return Encoding.UTF8.GetBytes(Encoding.Latin1.GetString(data));
        }

        return Utf8.IsValid(data) ? data.ToArray() : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(data));
    }

    /// <summary>Our own contents in the shape a read from another owner has: one UTF-8 text entry and/or one PNG.</summary>
    private static ClipboardContents Normalize(ClipboardContents owned)
    {
        var entries = new List<ClipboardEntry>();
        if (owned.Entries.FirstOrDefault(e => e.IsText) is { } text)
        {
            entries.Add(new ClipboardEntry(ClipboardEntry.TextMimeType, text.Data));
        }

        if (owned.Entries.FirstOrDefault(e => e.MimeType.Equals("image/png", StringComparison.OrdinalIgnoreCase)) is { } png)
        {
            entries.Add(png);
        }

        return new ClipboardContents { Entries = entries };
    }
}
