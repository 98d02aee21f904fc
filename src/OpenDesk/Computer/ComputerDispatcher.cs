using System.Runtime.CompilerServices;
using OpenDesk.Protocol;
using OpenDesk.Session;

namespace OpenDesk.Computer;

/// <summary>
/// Wire method ⇄ <see cref="IComputer"/> (spec §16): decodes params (a bad or missing one is
/// <c>invalid_argument</c>), calls the computer, encodes the result map. Unknown methods answer
/// <c>capability_unsupported</c> exactly as upstream words it (spec §14.2).
/// </summary>
public sealed class ComputerDispatcher : IRequestDispatcher
{
    private const int MaxStreamFps = 30;

    private readonly IComputer _computer;

    public ComputerDispatcher(IComputer computer)
    {
        ArgumentNullException.ThrowIfNull(computer);
        _computer = computer;
    }

    public async ValueTask<MsgMap?> InvokeAsync(string method, MsgMap parameters, CancellationToken cancellationToken)
    {
        if (!Methods.All.TryGetValue(method, out var descriptor) || descriptor.Stream)
        {
            var capability = method.StartsWith("ui.", StringComparison.Ordinal) ? Capabilities.UiTree : Capabilities.DisplayCapture;
            throw ErrorMapping.Unsupported(capability, $"server (unknown method '{method}')");
        }

        var p = new ParamReader(parameters);
        var c = _computer;
        var ct = cancellationToken;
        switch (Methods.Canonical(method))
        {
            case Methods.SystemCapabilities:
                return (await c.CapabilitiesAsync(ct).ConfigureAwait(false)).ToMap();
            case Methods.SystemEnvironment:
                return (await c.EnvironmentAsync(ct).ConfigureAwait(false)).ToMap();
            case Methods.DisplayDisplays:
                return Items(await c.DisplaysAsync(ct).ConfigureAwait(false), d => d.ToMap());
            case Methods.DisplayCapture:
                return (await c.CaptureAsync(
                    p.NullableString("display_id"), p.Nullable("region", Rect.FromMap), p.OptionalBool("downscale", true),
                    CaptureFormat(p), CaptureQuality(p), p.OptionalBool("cursor", false), ct).ConfigureAwait(false)).ToMap();
            case Methods.DisplayCursorPosition:
                return (await c.CursorPositionAsync(ct).ConfigureAwait(false)).ToMap();
            case Methods.InputPointer:
                await c.PointerAsync(p.Required("event", PointerEvent.FromMap), ct).ConfigureAwait(false);
                return null;
            case Methods.InputKey:
                await c.KeyAsync(p.Required("event", KeyEvent.FromMap), ct).ConfigureAwait(false);
                return null;
            case Methods.InputText:
                await c.TextAsync(p.Required("text_input", TextInput.FromMap), ct).ConfigureAwait(false);
                return null;
            case Methods.WindowsList:
                return Items(await c.ListWindowsAsync(ct).ConfigureAwait(false), w => w.ToMap());
            case Methods.WindowsFocused:
                var focused = await c.FocusedWindowAsync(ct).ConfigureAwait(false);
                return new MsgMap(1) { ["window"] = focused?.ToMap() };
            case Methods.WindowsFocus:
                await c.FocusWindowAsync(p.RequiredString("window_id"), ct).ConfigureAwait(false);
                return null;
            case Methods.WindowsMove:
                await c.MoveWindowAsync(p.RequiredString("window_id"), p.Required("bounds", Rect.FromMap), ct).ConfigureAwait(false);
                return null;
            case Methods.WindowsClose:
                await c.CloseWindowAsync(p.RequiredString("window_id"), ct).ConfigureAwait(false);
                return null;
            case Methods.AppsOpen:
                await c.OpenAppAsync(p.RequiredString("name"), ct).ConfigureAwait(false);
                return null;
            case Methods.AppsClose:
                await c.CloseAppAsync(p.RequiredString("name"), ct).ConfigureAwait(false);
                return null;
            case Methods.AppsFocus:
                await c.FocusAppAsync(p.RequiredString("name"), ct).ConfigureAwait(false);
                return null;
            case Methods.AppsList:
                return Items(await c.ListAppsAsync(ct).ConfigureAwait(false), name => name);
            case Methods.UITree:
                return (await c.UITreeAsync(p.NullableString("window_id"), p.NullableString("app"), p.OptionalInt32("max_depth", 8), ct).ConfigureAwait(false)).ToMap();
            case Methods.UIAction:
                await c.UIActionAsync(p.Required("element", UIElement.FromMap), p.OptionalString("action", "click"), p.NullableString("app"), ct).ConfigureAwait(false);
                return null;
            case Methods.ClipboardRead:
                return (await c.ReadClipboardAsync(ct).ConfigureAwait(false)).ToMap();
            case Methods.ClipboardWrite:
                await c.WriteClipboardAsync(p.Required("contents", ClipboardContents.FromMap), ct).ConfigureAwait(false);
                return null;
            case Methods.FsRead:
                return new MsgMap(1) { ["data"] = await c.ReadFileAsync(p.RequiredString("path"), ct).ConfigureAwait(false) };
            case Methods.FsWrite:
                await c.WriteFileAsync(p.RequiredString("path"), p.RequiredBytes("data"), ct).ConfigureAwait(false);
                return null;
            case Methods.FsList:
                return Items(await c.ListDirectoryAsync(p.RequiredString("path"), ct).ConfigureAwait(false), e => e.ToMap());
            case Methods.FsStat:
                return (await c.StatAsync(p.RequiredString("path"), ct).ConfigureAwait(false)).ToMap();
            case Methods.FsDelete:
                await c.DeletePathAsync(p.RequiredString("path"), ct).ConfigureAwait(false);
                return null;
            case Methods.FsMove:
                await c.MovePathAsync(p.RequiredString("src"), p.RequiredString("dst"), ct).ConfigureAwait(false);
                return null;
            case Methods.FsMkdir:
                await c.CreateDirectoryAsync(p.RequiredString("path"), p.OptionalBool("parents", true), ct).ConfigureAwait(false);
                return null;
            case Methods.ProcessList:
                return Items(await c.ListProcessesAsync(ct).ConfigureAwait(false), proc => proc.ToMap());
            case Methods.ProcessShell:
                return (await c.ShellAsync(
                    p.RequiredString("command"), p.NullableDouble("timeout"), p.NullableString("cwd"), p.NullableStringMap("env"), ct).ConfigureAwait(false)).ToMap();
            case Methods.ProcessExec:
                var argv = p.RequiredStringList("argv");
                if (argv.Count == 0)
                {
                    throw ParamReader.Error("parameter 'argv' must name a program");
                }

                return (await c.ExecAsync(
                    argv, p.NullableDouble("timeout"), p.NullableString("cwd"), p.NullableStringMap("env"), p.NullableBytes("stdin"), ct).ConfigureAwait(false)).ToMap();
            case Methods.PowerLock:
                await c.LockAsync(ct).ConfigureAwait(false);
                return null;
            case Methods.NotificationsList:
                return Items(await c.ListNotificationsAsync(ct).ConfigureAwait(false), n => n.ToMap());
            default:
                throw new InvalidOperationException($"method table and dispatcher disagree about {method}");
        }
    }

    public IAsyncEnumerable<MsgMap> StreamAsync(string method, MsgMap parameters, CancellationToken cancellationToken)
    {
        var p = new ParamReader(parameters);
        return method switch
        {
            Methods.DisplaySubscribe => Frames(
                _computer.SubscribeDisplayAsync(p.NullableString("display_id"), Math.Clamp(p.OptionalInt32("fps", MaxStreamFps), 1, MaxStreamFps), p.Nullable("region", Rect.FromMap), cancellationToken),
                cancellationToken),
            Methods.InputSubscribe => InputEvents(_computer.SubscribeInputAsync(cancellationToken), cancellationToken),
            _ => throw ErrorMapping.Unsupported(Capabilities.DisplayStream, $"server (unknown stream '{method}')"),
        };
    }

    private static async IAsyncEnumerable<MsgMap> Frames(IAsyncEnumerable<DisplayFrame> frames, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var frame in frames.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return frame.ToMap();
        }
    }

    private static async IAsyncEnumerable<MsgMap> InputEvents(IAsyncEnumerable<object> events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return item switch
            {
                PointerEvent pointer => pointer.ToMap(),
                KeyEvent key => key.ToMap(),
                _ => throw new InvalidOperationException($"input stream produced a {item.GetType().Name}"),
            };
        }
    }

    private static MsgMap Items<T>(IReadOnlyList<T> items, Func<T, object?> encode) => new(1) { ["items"] = Wire.List(items, encode) };

    // format and quality are this implementation's extension of display.capture; checking them here keeps
    // every backend from having to.
    private static string? CaptureFormat(ParamReader p) =>
        p.NullableString("format") switch
        {
            null => null,
            var format when PixmapFormat.All.Contains(format) => format,
            var format => throw ParamReader.Error(
                $"parameter 'format' must be one of {string.Join(", ", PixmapFormat.All.Order(StringComparer.Ordinal))}, got {PyRepr.Format(format)}"),
        };

    private static int? CaptureQuality(ParamReader p) =>
        p.NullableInt32("quality") switch
        {
            null => null,
            var quality and >= 0 and <= 100 => quality,
            var quality => throw ParamReader.Error($"parameter 'quality' must be between 0 and 100, got {quality}"),
        };
}
