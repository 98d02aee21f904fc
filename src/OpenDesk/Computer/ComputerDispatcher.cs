using System.Runtime.CompilerServices;
using OpenDesk.Protocol;
using OpenDesk.Session;

namespace OpenDesk.Computer;

/// <summary>
/// Wire method ⇄ <see cref="IComputer"/> (spec §16): decodes params (a bad or missing one is
/// <c>invalid_argument</c>), calls the computer, encodes the result map. Unknown methods answer
/// <c>capability_unsupported</c> exactly as upstream words it (spec §14.2).
/// </summary>
internal sealed class ComputerDispatcher : IRequestDispatcher
{
    private const int MaxStreamFps = 30;

    private readonly IComputer _computer;

    public ComputerDispatcher(IComputer computer) => _computer = computer;

    public async ValueTask<MsgMap?> InvokeAsync(string method, MsgMap parameters, CancellationToken cancellationToken)
    {
        if (!Methods.All.TryGetValue(method, out var descriptor) || descriptor.Stream)
        {
            var capability = method.StartsWith("ui.", StringComparison.Ordinal) ? Capabilities.UiTree : Capabilities.DisplayCapture;
            throw ErrorMapping.Unsupported(capability, $"server (unknown method '{method}')");
        }

        var p = new ValueReader(parameters, $"{method} params", ErrorCodes.InvalidArgument);
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
                    p.NullableString("format"), p.NullableInt32("quality"), ct).ConfigureAwait(false)).ToMap();
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
                    p.RequiredString("command"), p.NullableDouble("timeout"), p.NullableString("cwd"), StringMap(parameters, p, "env"), ct).ConfigureAwait(false)).ToMap();
            case Methods.ProcessExec:
                var argv = p.StringList("argv");
                if (argv.Count == 0)
                {
                    throw p.Error("field 'argv' must name a program");
                }

                return (await c.ExecAsync(
                    argv, p.NullableDouble("timeout"), p.NullableString("cwd"), StringMap(parameters, p, "env"), p.NullableBytes("stdin"), ct).ConfigureAwait(false)).ToMap();
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
        var p = new ValueReader(parameters, $"{method} params", ErrorCodes.InvalidArgument);
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

    private static Dictionary<string, string>? StringMap(MsgMap parameters, ValueReader p, string key)
    {
        if (!parameters.TryGetValue(key, out var raw) || raw is null)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in p.OptionalMap(key))
        {
            result[name] = value as string ?? throw p.Error($"field '{key}' must map names to strings, got {FieldReader.TypeName(value)} for {PyRepr.Format(name)}");
        }

        return result;
    }
}
