using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OpenDesk.Computer;
using OpenDesk.Computer.Modules;
using OpenDesk.Linux.Windows;
using OpenDesk.Protocol;
using Tmds.DBus.Protocol;

namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// <c>ui.tree</c> and <c>ui.action</c> over AT-SPI 2, the accessibility interface of Linux desktops. Opened once
/// at start; when there is no accessibility bus it is simply absent and so are the capabilities. A connection
/// the bus drops (the session's bus launcher restarted) is made again on the next request.
/// </summary>
internal sealed class AtSpiAccessibility : IAccessibilityModule, IDisposable
{
    /// <summary>How long start-up waits for the bus; D-Bus may be starting the launcher for us meanwhile.</summary>
    public static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(3);

    /// <summary>A whole request; an application that hangs in its main loop must not hang the controller.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(15);

    private readonly string? _displayName;
    private readonly Func<string, string?> _environment;
    private readonly EwmhWindows? _windows;
    private readonly ILogger _logger;
    private readonly TimeSpan _requestTimeout;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private AtSpiSession? _session;
    private bool _disposed;

    private AtSpiAccessibility(AtSpiConnection bus, string? displayName, Func<string, string?> environment, EwmhWindows? windows, ILogger logger, TimeSpan requestTimeout)
    {
        _requestTimeout = requestTimeout;
        _session = new AtSpiSession(bus);
        _displayName = displayName;
        _environment = environment;
        _windows = windows;
        _logger = logger;
    }

    public IReadOnlyCollection<string> Capabilities { get; } = [OpenDesk.Protocol.Capabilities.UiTree, OpenDesk.Protocol.Capabilities.UiActions];

    /// <summary>
    /// Connects to the accessibility bus of <paramref name="displayName"/>'s session and checks that its registry
    /// answers; null (logged, never thrown) when there is none within <see cref="OpenTimeout"/>.
    /// </summary>
    /// <param name="displayName">The X display served, whose root window may name the bus; null for <c>$DISPLAY</c>.</param>
    /// <param name="windows">The X windows, to map a window id or the focused window to its application; may be null.</param>
    /// <param name="logger">Where the outcome of the probe goes.</param>
    /// <param name="environment">Reads environment variables; null for this process's.</param>
    /// <param name="requestTimeout">How long one request may take; null for <see cref="DefaultRequestTimeout"/>.</param>
    /// <param name="cancellationToken">Abandons the attempt (then it throws <see cref="OperationCanceledException"/>).</param>
    public static async Task<AtSpiAccessibility?> TryOpenAsync(
        string? displayName, EwmhWindows? windows, ILogger logger, Func<string, string?>? environment = null, TimeSpan? requestTimeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(logger);
        environment ??= Environment.GetEnvironmentVariable;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(OpenTimeout);
            var bus = await ConnectAsync(displayName, environment, logger, timeout.Token).ConfigureAwait(false);
            if (bus is null)
            {
                logger.LogInformation("No accessibility (AT-SPI) bus in this session: ui.tree and ui.action are off");
                return null;
            }

            return new AtSpiAccessibility(bus, displayName, environment, windows, logger, requestTimeout ?? DefaultRequestTimeout);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The accessibility (AT-SPI) bus did not answer within {Seconds} s: ui.tree and ui.action are off", OpenTimeout.TotalSeconds);
            return null;
        }
    }

    Task<UIElement> IAccessibilityModule.UITreeAsync(string? windowId, string? app, int maxDepth, CancellationToken cancellationToken) =>
        TreeAsync(windowId, app, maxDepth, cancellationToken);

    Task IAccessibilityModule.UIActionAsync(UIElement element, string action, string? app, CancellationToken cancellationToken) =>
        ActAsync(element, action, app, cancellationToken);

    /// <summary><c>ui.tree</c>: shown objects of a window (by X id), an application (by name) or the focused window.</summary>
    public Task<UIElement> TreeAsync(string? windowId, string? app, int maxDepth, CancellationToken cancellationToken)
    {
        if (maxDepth < 0)
        {
            throw new ArgumentException($"max_depth must be >= 0, got {maxDepth}");
        }

        var depth = Math.Min(maxDepth, TreeOptions.DepthCeiling);
        return RunAsync(async (session, ct) =>
        {
            var resolver = session.Resolver(_windows);
            var target = windowId is not null ? await resolver.ForWindowAsync(windowId).ConfigureAwait(false)
                : app is not null ? await resolver.ForApplicationAsync(app).ConfigureAwait(false)
                : await resolver.ForFocusAsync().ConfigureAwait(false);
            var result = await target.Reader.ReadAsync(target.Root, target.RootPath, new TreeOptions(depth, TreeOptions.DefaultNodeLimit), ct).ConfigureAwait(false);
            var metadata = new Dictionary<string, object?>
            {
                ["app"] = target.Application.Name,
                ["pid"] = target.Application.Pid is { } pid ? (long)pid : null,
                ["node_count"] = (long)result.NodeCount,
                ["node_limit"] = (long)TreeOptions.DefaultNodeLimit,
                ["truncated"] = result.Truncated,
                ["max_depth"] = (long)depth,
            };
            return UIElementMapper.ToElement(result.Root, metadata);
        }, cancellationToken);
    }

    /// <summary><c>ui.action</c>: finds the element (see <see cref="ElementFinder"/>) and invokes the action (see <see cref="ElementActions"/>).</summary>
    public Task ActAsync(UIElement element, string action, string? app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(action);
        return RunAsync(async (session, ct) =>
        {
            var target = await new ElementFinder(session.Bus, session.Resolver(_windows)).FindAsync(element, app, ct).ConfigureAwait(false);
            await ElementActions.PerformAsync(session.Bus, target, action, element.Value).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>The tree of an application with explicit options, for measurements beyond what <c>ui.tree</c> exposes.</summary>
    internal Task<TreeReadResult> ReadApplicationAsync(string app, TreeOptions options, CancellationToken cancellationToken) =>
        RunAsync(async (session, ct) =>
        {
            var target = await session.Resolver(_windows).ForApplicationAsync(app).ConfigureAwait(false);
            return await target.Reader.ReadAsync(target.Root, target.RootPath, options, ct).ConfigureAwait(false);
        }, cancellationToken);

    public void Dispose()
    {
        _connectGate.Wait();
        try
        {
            _disposed = true;
            _session?.Dispose();
            _session = null;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private async Task<T> RunAsync<T>(Func<AtSpiSession, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_requestTimeout);
        AtSpiSession? session = null;
        try
        {
            session = await SessionAsync(deadline.Token).ConfigureAwait(false);
            return await operation(session, deadline.Token).WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"the accessibility bus or an application on it did not answer within {_requestTimeout.TotalSeconds} s (is the application busy or hung?)");
        }
        catch (DBusConnectionException e)
        {
            Forget(session);
            throw new OpenDeskException($"lost the connection to the accessibility bus: {e.Message}; the next request connects again");
        }
        catch (DBusErrorReplyException e)
        {
            throw new OpenDeskException($"an application refused an accessibility call: {e.ErrorName}: {e.ErrorMessage}");
        }
        catch (Exception e) when (e is InvalidDataException or DBusReadException or DBusUnexpectedValueException)
        {
            throw new OpenDeskException($"an application sent a malformed accessibility reply: {e.Message}");
        }
    }

    private async Task<AtSpiSession> SessionAsync(CancellationToken cancellationToken)
    {
        if (_session is { IsConnected: true } current)
        {
            return current;
        }

        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_session is { IsConnected: true } connected)
            {
                return connected;
            }

            _session?.Dispose();
            _session = null;
            var bus = await ConnectAsync(_displayName, _environment, _logger, cancellationToken).ConfigureAwait(false)
                ?? throw new OpenDeskException("the accessibility bus of this session is gone (was the session's bus launcher stopped?)");
            _session = new AtSpiSession(bus);
            return _session;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private void Forget(AtSpiSession? session)
    {
        if (session is not null && Interlocked.CompareExchange(ref _session, null, session) == session)
        {
            session.Dispose();
        }
    }

    private static async Task<AtSpiConnection?> ConnectAsync(string? displayName, Func<string, string?> environment, ILogger logger, CancellationToken cancellationToken)
    {
        await foreach (var (source, address) in AtSpiBusLocator.CandidatesAsync(displayName, environment, cancellationToken).ConfigureAwait(false))
        {
            AtSpiConnection? bus = null;
            try
            {
                bus = await AtSpiConnection.ConnectAsync(address, cancellationToken).ConfigureAwait(false);

                // The registry answering proves the bus serves AT-SPI, not merely that a socket exists.
                await bus.GetApplicationsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Accessibility (AT-SPI) bus from {Source}: {Address}", source, address);
                return bus;
            }
            catch (Exception e) when (e is DBusExceptionBase or IOException or SocketException or ArgumentException or InvalidDataException)
            {
                logger.LogInformation("Accessibility bus from {Source} ({Address}) unusable: {Reason}", source, address, e.Message);
                bus?.Dispose();
            }
            catch
            {
                bus?.Dispose();
                throw;
            }
        }

        return null;
    }
}
