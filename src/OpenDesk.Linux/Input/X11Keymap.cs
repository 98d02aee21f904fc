using System.Diagnostics;
using OpenDesk.Linux.X11;

namespace OpenDesk.Linux.Input;

/// <summary>
/// The core keyboard mapping as synthetic input needs it: which keycode, with or without Shift, types each
/// keysym; and temporary bindings of keysyms the layout lacks (é on a US layout, ✓ anywhere) onto keycodes
/// that carry no symbols, the technique xdotool uses. Not thread-safe: every call runs under the owning
/// <see cref="XDisplayConnection"/>'s lock.
/// </summary>
internal sealed unsafe class X11Keymap
{
    /// <summary>
    /// A client translates a key event with the mapping current when it reads the event, not when it was
    /// sent, so a keycode is not rebound to another keysym until the last event on it has had time to be read.
    /// Every rebinding makes each client reload its keymap, so a busy client can lag by hundreds of
    /// milliseconds (with 100 ms a terminal typed wrong letters on a loaded two-core machine).
    /// The wait only applies once text uses more missing characters than there are spare keycodes.
    /// </summary>
    private static readonly TimeSpan RebindGrace = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<nint, KeyStroke> _strokes = [];
    private readonly List<byte> _spare = [];
    private readonly Dictionary<nint, (byte Keycode, long LastUsed)> _bindings = [];
    private bool _loaded;

    public bool HasBindings => _bindings.Count > 0;

    /// <summary>Reads pending events so a layout change made by someone else (setxkbmap, a layout switch) is noticed.</summary>
    public void ProcessEvents(nint display)
    {
        Xlib.XEvent ev;
        while (Xlib.XPending(display) > 0)
        {
            Xlib.XNextEvent(display, &ev);
            if (ev.Type != Xlib.MappingNotify)
            {
                continue;
            }

            var mapping = (Xlib.XMappingEvent*)&ev;
            var ours = mapping->Request == Xlib.MappingKeyboard && mapping->Count == 1 && _spare.Contains((byte)mapping->FirstKeycode);
            if (mapping->Request == Xlib.MappingKeyboard && !ours)
            {
                _loaded = false;
            }
        }
    }

    /// <summary>How to type <paramref name="keysym"/>, binding it to a spare keycode when the layout has no key for it.</summary>
    /// <param name="display">The connection, held exclusively by the caller.</param>
    /// <param name="keysym">The keysym to type.</param>
    /// <param name="pinned">Keycodes that are down and so must keep their current binding.</param>
    public KeyStroke Resolve(nint display, nint keysym, IReadOnlySet<byte> pinned)
    {
        EnsureLoaded(display);
        if (_bindings.TryGetValue(keysym, out var binding))
        {
            _bindings[keysym] = (binding.Keycode, Stopwatch.GetTimestamp());
            return new KeyStroke(binding.Keycode, false);
        }

        return _strokes.TryGetValue(keysym, out var stroke) ? stroke : Bind(display, keysym, pinned);
    }

    /// <summary>Gives back bindings unused for <paramref name="idle"/>; returns whether any binding remains.</summary>
    public bool RestoreIdle(nint display, TimeSpan idle, IReadOnlySet<byte> pinned)
    {
        foreach (var (keysym, binding) in _bindings.ToArray())
        {
            if (!pinned.Contains(binding.Keycode) && Stopwatch.GetElapsedTime(binding.LastUsed) >= idle)
            {
                Unbind(display, keysym, binding.Keycode);
            }
        }

        return _bindings.Count > 0;
    }

    public void RestoreAll(nint display)
    {
        foreach (var (keysym, binding) in _bindings.ToArray())
        {
            Unbind(display, keysym, binding.Keycode);
        }
    }

    private KeyStroke Bind(nint display, nint keysym, IReadOnlySet<byte> pinned)
    {
        var keycode = FreeSpare();
        if (keycode == 0)
        {
            var (oldKeysym, oldKeycode, lastUsed) = LeastRecentlyUsed(pinned);
            if (oldKeycode == 0)
            {
                throw new OpenDeskException(_spare.Count == 0
                    ? "cannot type this character: the keyboard layout has no key for it and no unused keycode to borrow"
                    : $"cannot type this character: all {_spare.Count} unused keycodes are bound to keys that are held down; release them first");
            }

            var age = Stopwatch.GetElapsedTime(lastUsed);
            if (age < RebindGrace)
            {
                Thread.Sleep(RebindGrace - age);
            }

            _bindings.Remove(oldKeysym);
            keycode = oldKeycode;
        }

        // Both levels carry the keysym: with a single entry X would read a capital letter such as É as the
        // pair (é, É) and type é without Shift.
        var symbols = stackalloc nint[2] { keysym, keysym };
        Xlib.XChangeKeyboardMapping(display, keycode, 2, symbols, 1);
        _bindings[keysym] = (keycode, Stopwatch.GetTimestamp());
        return new KeyStroke(keycode, false);
    }

    private void Unbind(nint display, nint keysym, byte keycode)
    {
        var none = stackalloc nint[1] { Xlib.NoSymbol };
        Xlib.XChangeKeyboardMapping(display, keycode, 1, none, 1);
        _bindings.Remove(keysym);
    }

    private byte FreeSpare()
    {
        foreach (var keycode in _spare)
        {
            if (!_bindings.Values.Any(b => b.Keycode == keycode))
            {
                return keycode;
            }
        }

        return 0;
    }

    private (nint Keysym, byte Keycode, long LastUsed) LeastRecentlyUsed(IReadOnlySet<byte> pinned)
    {
        (nint, byte, long) oldest = (Xlib.NoSymbol, 0, long.MaxValue);
        foreach (var (keysym, binding) in _bindings)
        {
            if (!pinned.Contains(binding.Keycode) && binding.LastUsed < oldest.Item3)
            {
                oldest = (keysym, binding.Keycode, binding.LastUsed);
            }
        }

        return oldest;
    }

    private void EnsureLoaded(nint display)
    {
        if (_loaded)
        {
            return;
        }

        Xlib.XDisplayKeycodes(display, out var min, out var max);
        var count = max - min + 1;
        var map = Xlib.XGetKeyboardMapping(display, (byte)min, count, out var perKeycode);
        if (map == null)
        {
            throw new OpenDeskException("cannot read the keyboard mapping from the X server");
        }

        try
        {
            _strokes.Clear();
            _spare.Clear();
            var boundKeycodes = _bindings.ToDictionary(b => b.Value.Keycode, b => b.Key);
            for (var i = 0; i < count; i++)
            {
                var keycode = (byte)(min + i);
                var row = map + (i * perKeycode);
                if (boundKeycodes.TryGetValue(keycode, out var boundKeysym))
                {
                    if (row[0] == boundKeysym)
                    {
                        _spare.Add(keycode);
                        continue;
                    }

                    // Someone else remapped the keycode (a new layout replaces the whole map): the binding is gone.
                    _bindings.Remove(boundKeysym);
                }

                if (IsEmpty(row, perKeycode))
                {
                    _spare.Add(keycode);
                    continue;
                }

                // Only group 1, levels 1 and 2 (entries 0 and 1 of the core map) are reachable with Shift alone.
                var plain = row[0];
                var shifted = perKeycode > 1 ? row[1] : Xlib.NoSymbol;
                if (plain != Xlib.NoSymbol && (!_strokes.TryGetValue(plain, out var known) || known.Shift))
                {
                    _strokes[plain] = new KeyStroke(keycode, false);
                }

                if (shifted != Xlib.NoSymbol)
                {
                    _strokes.TryAdd(shifted, new KeyStroke(keycode, true));
                }
            }
        }
        finally
        {
            Xlib.XFree(map);
        }

        _loaded = true;
    }

    private static bool IsEmpty(nint* row, int length)
    {
        for (var j = 0; j < length; j++)
        {
            if (row[j] != Xlib.NoSymbol)
            {
                return false;
            }
        }

        return true;
    }
}
