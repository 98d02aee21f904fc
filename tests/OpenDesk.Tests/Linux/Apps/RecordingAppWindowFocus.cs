using OpenDesk.Linux.Apps;

namespace OpenDesk.Tests.Linux.Apps;

/// <summary>Stands in for the window service: records what apps.focus asked for and answers as told.</summary>
internal sealed class RecordingAppWindowFocus : IAppWindowFocus
{
    public bool Answer { get; set; } = true;

    public IReadOnlyCollection<int>? Pids { get; private set; }

    public string? Name { get; private set; }

    public bool FocusFirstWindowOf(IReadOnlyCollection<int> pids, string name)
    {
        Pids = pids;
        Name = name;
        return Answer;
    }
}
