namespace OpenDesk.Linux.Input;

/// <summary>How to type one keysym: the keycode to press and whether Shift must be held to reach its level.</summary>
internal readonly record struct KeyStroke(byte Keycode, bool Shift);
