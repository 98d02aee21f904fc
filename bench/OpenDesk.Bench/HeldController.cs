using OpenDesk.Client;

namespace OpenDesk.Bench;

/// <summary>
/// <c>OpenDesk.Bench attack-hold URL HOME SECONDS</c>: a controller in its own process that connects, makes
/// one call, says "held" and then just keeps the session, so the suite can freeze it with SIGSTOP and time how
/// long serve takes to notice. It exits by itself after SECONDS.
/// </summary>
internal static class HeldController
{
    public const string HeldLine = "held";

    public static async Task<int> MainAsync(string[] args)
    {
        if (args.Length != 4 || !int.TryParse(args[3], out var seconds))
        {
            Console.Error.WriteLine("usage: attack-hold URL HOME SECONDS");
            return 2;
        }

        await using var desk = await RemoteComputer.ConnectAsync(args[1], new RemoteComputerOptions { Home = args[2], AutoReconnect = false });
        await desk.CursorPositionAsync();
        Console.WriteLine(HeldLine);
        Console.Out.Flush();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        return 0;
    }
}
