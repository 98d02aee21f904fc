using Tmds.DBus.Protocol;

namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// Thin proxies for the AT-SPI methods on one connection to the accessibility bus. Every method sends its call
/// at once and returns the pending reply, so a caller that starts many calls before awaiting any has them all
/// in flight together: the application answers them back to back instead of one round trip each. A reply of
/// an unexpected type is an <see cref="InvalidDataException"/>; an error reply is Tmds'
/// <see cref="DBusErrorReplyException"/>.
/// </summary>
internal sealed class AtSpiConnection : IDisposable
{
    private const string ReferenceSignature = "(so)";

    /// <summary>The cache item of at-spi2-core 2.46 and later: index in parent and child count instead of a child list.</summary>
    private const string IndexedCacheSignature = "a((so)(so)(so)iiassusau)";

    /// <summary>The older cache item, still sent by Qt: the children are listed.</summary>
    private const string ListedCacheSignature = "a((so)(so)(so)a(so)assusau)";

    /// <summary>No real widget has more; a bogus count must not turn into a flood of calls.</summary>
    private const int MaxActions = 64;

    private readonly DBusConnection _connection;

    private AtSpiConnection(DBusConnection connection) => _connection = connection;

    /// <summary>False once the peer dropped the connection or it was disposed.</summary>
    public bool IsConnected
    {
        get
        {
            try
            {
                return !_connection.DisconnectedAsync().IsCompleted;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }

    public static async Task<AtSpiConnection> ConnectAsync(string address, CancellationToken cancellationToken)
    {
        var connection = new DBusConnection(address);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            return new AtSpiConnection(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The applications registered on the bus: the children of the registry's desktop.</summary>
    public Task<List<AccessibleRef>> GetApplicationsAsync() => GetChildrenAsync(new AccessibleRef(AtSpiNames.RegistryService, AtSpiNames.RootPath));

    public Task<List<AccessibleRef>> GetChildrenAsync(AccessibleRef target) =>
        Call(target, AtSpiNames.Accessible, "GetChildren", "a" + ReferenceSignature, static (message, _) =>
        {
            var reader = message.GetBodyReader();
            var children = new List<AccessibleRef>();
            var end = reader.ReadArrayStart(DBusType.Struct);
            while (reader.HasNext(end))
            {
                children.Add(ReadReference(ref reader));
            }

            return children;
        });

    public Task<uint> GetRoleAsync(AccessibleRef target) =>
        Call(target, AtSpiNames.Accessible, "GetRole", "u", static (message, _) => message.GetBodyReader().ReadUInt32());

    public Task<AtSpiStateSet> GetStateAsync(AccessibleRef target) =>
        Call(target, AtSpiNames.Accessible, "GetState", "au", static (message, _) => AtSpiStateSet.FromWords(message.GetBodyReader().ReadArrayOfUInt32()));

    public Task<AtSpiInterfaces> GetInterfacesAsync(AccessibleRef target) =>
        Call(target, AtSpiNames.Accessible, "GetInterfaces", "as", static (message, _) => ReadInterfaces(message.GetBodyReader().ReadArrayOfString()));

    /// <summary>
    /// Name, Description and ChildCount in three pipelined Properties.Get calls. Never Properties.GetAll: Qt 5's
    /// bridge crashes the application it runs in when asked for all of an interface's properties.
    /// </summary>
    public async Task<(string Name, string Description, int ChildCount)> GetAccessiblePropertiesAsync(AccessibleRef target)
    {
        var name = GetProperty(target, AtSpiNames.Accessible, "Name", AsString);
        var description = GetProperty(target, AtSpiNames.Accessible, "Description", AsString);
        var childCount = GetProperty(target, AtSpiNames.Accessible, "ChildCount", static value => value.Type == VariantValueType.Int32 ? value.GetInt32() : -1);
        await Task.WhenAll(name, description, childCount).ConfigureAwait(false);
        return (name.Result, description.Result, childCount.Result);
    }

    /// <summary>
    /// Everything about one object that the cache would have said, in four pipelined calls. Its children are
    /// left to a GetChildren of their own, made only when the child count says there are any.
    /// </summary>
    public async Task<AccessibleInfo> GetInfoAsync(AccessibleRef target, AccessibleRef parent, int indexInParent)
    {
        var role = GetRoleAsync(target);
        var states = GetStateAsync(target);
        var interfaces = GetInterfacesAsync(target);
        var properties = GetAccessiblePropertiesAsync(target);
        await Task.WhenAll(role, states, interfaces, properties).ConfigureAwait(false);
        var (name, description, childCount) = properties.Result;
        return new AccessibleInfo(target, parent, indexInParent, childCount, null, interfaces.Result, name, role.Result, description, states.Result);
    }

    /// <summary>
    /// Every object the application has in its cache, in one reply; null when the application has no cache
    /// (the call is unknown to it).
    /// </summary>
    public async Task<List<AccessibleInfo>?> GetCacheItemsAsync(string busName)
    {
        try
        {
            return await Call(new AccessibleRef(busName, AtSpiNames.CachePath), AtSpiNames.Cache, "GetItems", null, static (message, _) => ReadCacheItems(message))
                .ConfigureAwait(false);
        }
        catch (DBusErrorReplyException e) when (IsMissing(e))
        {
            return null;
        }
    }

    /// <summary>
    /// Asks an application for its private bus address. GTK's bridge treats the first such call from a client
    /// as the sign that an assistive technology is present: it then builds its cache and answers GetItems.
    /// </summary>
    public Task<string> GetApplicationBusAddressAsync(string busName) =>
        Call(new AccessibleRef(busName, AtSpiNames.RootPath), AtSpiNames.Application, "GetApplicationBusAddress", "s",
            static (message, _) => message.GetBodyReader().ReadString());

    /// <summary>The process id behind a connection to the accessibility bus, as the bus daemon knows it.</summary>
    public Task<uint> GetConnectionProcessIdAsync(string busName)
    {
        var writer = _connection.GetMessageWriter();
        try
        {
            writer.WriteMethodCallHeader(AtSpiNames.DBusService, AtSpiNames.DBusPath, AtSpiNames.DBusInterface, "GetConnectionUnixProcessID", "s");
            writer.WriteString(busName);
            return _connection.CallMethodAsync(writer.CreateMessage(), static (message, _) =>
            {
                Expect(message, "GetConnectionUnixProcessID", "u");
                return message.GetBodyReader().ReadUInt32();
            });
        }
        finally
        {
            writer.Dispose();
        }
    }

    public Task<ScreenExtents> GetExtentsAsync(AccessibleRef target)
    {
        var writer = Start(target, AtSpiNames.Component, "GetExtents", "u");
        try
        {
            writer.WriteUInt32(AtSpiNames.ScreenCoordinates);
            return Send(ref writer, "GetExtents", "(iiii)", static (message, _) =>
            {
                var reader = message.GetBodyReader();
                reader.AlignStruct();
                return new ScreenExtents(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
            });
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>
    /// The action names in index order. These are the toolkit's fixed names (<c>click</c>), not the localised
    /// ones Action.GetActions returns (<c>Click</c>, or <c>Klicken</c> under a German locale). The first name is
    /// asked for together with the count, since nearly every widget has exactly one action.
    /// </summary>
    public async Task<List<string>> GetActionNamesAsync(AccessibleRef target)
    {
        var count = GetProperty(target, AtSpiNames.Action, "NActions", static value => value.Type == VariantValueType.Int32 ? value.GetInt32() : 0);
        var first = GetActionNameAsync(target, 0);
        int total;
        try
        {
            total = await count.ConfigureAwait(false);
        }
        catch
        {
            await Observe(first).ConfigureAwait(false);
            throw;
        }

        if (total <= 0)
        {
            // An object without actions may refuse the speculative first name.
            await Observe(first).ConfigureAwait(false);
            return [];
        }

        var rest = Enumerable.Range(1, Math.Min(total, MaxActions) - 1).Select(i => GetActionNameAsync(target, i)).ToList();
        var names = new List<string>(rest.Count + 1) { await first.ConfigureAwait(false) };
        foreach (var name in rest)
        {
            names.Add(await name.ConfigureAwait(false));
        }

        return names;
    }

    public Task<string> GetActionNameAsync(AccessibleRef target, int index)
    {
        var writer = Start(target, AtSpiNames.Action, "GetName", "i");
        try
        {
            writer.WriteInt32(index);
            return Send(ref writer, "GetName", "s", static (message, _) => message.GetBodyReader().ReadString());
        }
        finally
        {
            writer.Dispose();
        }
    }

    public Task<string> GetTextAsync(AccessibleRef target, int start, int end)
    {
        var writer = Start(target, AtSpiNames.Text, "GetText", "ii");
        try
        {
            writer.WriteInt32(start);
            writer.WriteInt32(end);
            return Send(ref writer, "GetText", "s", static (message, _) => message.GetBodyReader().ReadString());
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>The Value interface's four properties in pipelined Properties.Get calls (see <see cref="GetAccessiblePropertiesAsync"/>).</summary>
    public async Task<ValueRange> GetValueAsync(AccessibleRef target)
    {
        var current = GetProperty(target, AtSpiNames.Value, "CurrentValue", AsDouble);
        var minimum = GetProperty(target, AtSpiNames.Value, "MinimumValue", AsDouble);
        var maximum = GetProperty(target, AtSpiNames.Value, "MaximumValue", AsDouble);
        var increment = GetProperty(target, AtSpiNames.Value, "MinimumIncrement", AsDouble);
        await Task.WhenAll(current, minimum, maximum, increment).ConfigureAwait(false);
        return new ValueRange(current.Result, minimum.Result, maximum.Result, increment.Result);
    }

    public Task<bool> DoActionAsync(AccessibleRef target, int index)
    {
        var writer = Start(target, AtSpiNames.Action, "DoAction", "i");
        try
        {
            writer.WriteInt32(index);
            return Send(ref writer, "DoAction", "b", static (message, _) => message.GetBodyReader().ReadBool());
        }
        finally
        {
            writer.Dispose();
        }
    }

    public Task<bool> GrabFocusAsync(AccessibleRef target) =>
        Call(target, AtSpiNames.Component, "GrabFocus", "b", static (message, _) => message.GetBodyReader().ReadBool());

    public Task<bool> SetTextContentsAsync(AccessibleRef target, string text)
    {
        var writer = Start(target, AtSpiNames.EditableText, "SetTextContents", "s");
        try
        {
            writer.WriteString(text);
            return Send(ref writer, "SetTextContents", "b", static (message, _) => message.GetBodyReader().ReadBool());
        }
        finally
        {
            writer.Dispose();
        }
    }

    public Task SetCurrentValueAsync(AccessibleRef target, double value)
    {
        var writer = Start(target, AtSpiNames.PropertiesInterface, "Set", "ssv");
        try
        {
            writer.WriteString(AtSpiNames.Value);
            writer.WriteString("CurrentValue");
            writer.WriteVariantDouble(value);
            return _connection.CallMethodAsync(writer.CreateMessage());
        }
        finally
        {
            writer.Dispose();
        }
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>The error names that mean "no such object or method here", as opposed to a broken application.</summary>
    public static bool IsMissing(DBusErrorReplyException e) => e.ErrorName is
        "org.freedesktop.DBus.Error.UnknownMethod" or "org.freedesktop.DBus.Error.UnknownObject"
        or "org.freedesktop.DBus.Error.UnknownInterface" or "org.freedesktop.DBus.Error.UnknownProperty"
        or "org.freedesktop.DBus.Error.ServiceUnknown" or "org.freedesktop.DBus.Error.NameHasNoOwner";

    private Task<T> Call<T>(AccessibleRef target, string @interface, string member, string? replySignature, MessageValueReader<T> read)
    {
        var writer = Start(target, @interface, member, null);
        try
        {
            return replySignature is null
                ? _connection.CallMethodAsync(writer.CreateMessage(), read)
                : Send(ref writer, member, replySignature, read);
        }
        finally
        {
            writer.Dispose();
        }
    }

    private MessageWriter Start(AccessibleRef target, string @interface, string member, string? signature)
    {
        var writer = _connection.GetMessageWriter();
        writer.WriteMethodCallHeader(target.BusName, target.Path, @interface, member, signature);
        return writer;
    }

    private Task<T> Send<T>(ref MessageWriter writer, string member, string replySignature, MessageValueReader<T> read) =>
        _connection.CallMethodAsync(writer.CreateMessage(), static (message, state) =>
        {
            var (member, signature, reader) = ((string, string, MessageValueReader<T>))state!;
            Expect(message, member, signature);
            return reader(message, null);
        }, (member, replySignature, read));

    private Task<T> GetProperty<T>(AccessibleRef target, string @interface, string property, Func<VariantValue, T> convert)
    {
        var writer = Start(target, AtSpiNames.PropertiesInterface, "Get", "ss");
        try
        {
            writer.WriteString(@interface);
            writer.WriteString(property);
            return _connection.CallMethodAsync(writer.CreateMessage(), static (message, state) =>
            {
                Expect(message, "Properties.Get", "v");
                return ((Func<VariantValue, T>)state!)(message.GetBodyReader().ReadVariantValue());
            }, convert);
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static List<AccessibleInfo> ReadCacheItems(Message message)
    {
        var signature = message.SignatureAsString;
        var listed = signature == ListedCacheSignature;
        if (!listed && signature != IndexedCacheSignature)
        {
            throw new InvalidDataException($"Cache.GetItems answered with signature '{signature}', which this client does not know");
        }

        var reader = message.GetBodyReader();
        var items = new List<AccessibleInfo>();
        var end = reader.ReadArrayStart(DBusType.Struct);
        while (reader.HasNext(end))
        {
            reader.AlignStruct();
            var target = ReadReference(ref reader);
            ReadReference(ref reader);
            var parent = ReadReference(ref reader);
            int index = -1, childCount;
            List<AccessibleRef>? children = null;
            if (listed)
            {
                children = [];
                var childrenEnd = reader.ReadArrayStart(DBusType.Struct);
                while (reader.HasNext(childrenEnd))
                {
                    children.Add(ReadReference(ref reader));
                }

                childCount = children.Count;
            }
            else
            {
                index = reader.ReadInt32();
                childCount = reader.ReadInt32();
            }

            var interfaces = ReadInterfaces(reader.ReadArrayOfString());
            var name = reader.ReadString();
            var role = reader.ReadUInt32();
            var description = reader.ReadString();
            var states = AtSpiStateSet.FromWords(reader.ReadArrayOfUInt32());
            items.Add(new AccessibleInfo(target, parent, index, childCount, children, interfaces, name, role, description, states));
        }

        if (listed)
        {
            // The listed form has no index in parent; the parent's list gives it.
            var byRef = items.ToDictionary(i => i.Ref);
            foreach (var item in items.ToList())
            {
                for (var i = 0; i < item.Children!.Count; i++)
                {
                    if (byRef.TryGetValue(item.Children[i], out var child) && child.Parent == item.Ref)
                    {
                        byRef[child.Ref] = child with { IndexInParent = i };
                    }
                }
            }

            return [.. items.Select(i => byRef[i.Ref])];
        }

        return items;
    }

    private static async Task Observe(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception e) when (e is DBusExceptionBase or InvalidDataException)
        {
            // Its outcome no longer matters.
        }
    }

    private static AccessibleRef ReadReference(ref Reader reader)
    {
        reader.AlignStruct();
        return new AccessibleRef(reader.ReadString(), reader.ReadObjectPathAsString());
    }

    private static AtSpiInterfaces ReadInterfaces(string[] names)
    {
        var interfaces = AtSpiInterfaces.None;
        foreach (var name in names)
        {
            interfaces |= AtSpiNames.InterfaceFlag(name);
        }

        return interfaces;
    }

    private static void Expect(Message message, string member, string signature)
    {
        if (message.SignatureAsString != signature)
        {
            throw new InvalidDataException($"{member} answered with signature '{message.SignatureAsString}', expected '{signature}'");
        }
    }

    private static string AsString(VariantValue value) => value.Type == VariantValueType.String ? value.GetString() : "";

    private static double AsDouble(VariantValue value) => value.Type == VariantValueType.Double ? value.GetDouble() : double.NaN;
}
