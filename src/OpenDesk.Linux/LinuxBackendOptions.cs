namespace OpenDesk.Linux;

/// <summary>How <see cref="LinuxBackend.OpenAsync"/> opens the desktop.</summary>
public sealed record LinuxBackendOptions
{
    /// <summary>The X display to serve, e.g. <c>:0</c>; null means <c>$DISPLAY</c>.</summary>
    public string? DisplayName { get; init; }
}
